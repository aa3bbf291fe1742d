package dev.tenantry.faults;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything a request could leave behind, at one moment: the content of every table of the
 * shared schema (row count and digest), the schemas that exist, each topic partition's end offset
 * and the deliveries the demo webhook receiver logged. Two footprints differ exactly where
 * something was written in between.
 *
 * <p>Left out is what the system writes on its own while idle: the outbox relay's heartbeat and
 * replication position, the worker's pool of spare schemas (tables and {@code tenantry_spare_*}
 * schemas), each connection's temporary schemas, and Kafka's internal topics (consumer offsets).
 *
 * @param tables         table name to "rows digest"
 * @param topicEnds      "topic-partition" to end offset
 * @param receiverBytes  size of the demo receiver's delivery log
 */
record SystemFootprint(
        Map<String, String> tables, Set<String> schemas, Map<String, Long> topicEnds, long receiverBytes) {

    private static final Set<String> BACKGROUND_TABLES =
            Set.of("provisioning_outbox_heartbeat", "provisioning_relay_offset", "tenant_spare_schema");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    static SystemFootprint take(DataSource database, String kafkaBootstrap, Path receiverLog) throws Exception {
        Map<String, String> tables = new TreeMap<>();
        Set<String> schemas = new TreeSet<>();
        try (Connection connection = database.getConnection();
                Statement query = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rows = query.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            for (String table : names) {
                if (BACKGROUND_TABLES.contains(table)) {
                    continue;
                }
                try (ResultSet rows = query.executeQuery("SELECT count(*), md5(coalesce(string_agg(t::text, '|' "
                        + "ORDER BY t::text), '')) FROM public.\"" + table + "\" t")) {
                    rows.next();
                    tables.put(table, rows.getLong(1) + " rows, digest " + rows.getString(2));
                }
            }
            try (ResultSet rows = query.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE "
                    + "'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' AND nspname NOT LIKE "
                    + "'tenantry\\_spare\\_%'")) {
                while (rows.next()) {
                    schemas.add(rows.getString(1));
                }
            }
        }
        return new SystemFootprint(
                tables, schemas, topicEnds(kafkaBootstrap), Files.exists(receiverLog) ? Files.size(receiverLog) : 0);
    }

    /**
     * Takes footprints a few seconds apart until two are the same: the system has stopped writing
     * (anything a request set in motion, such as an outbox event on its way to a topic, has landed).
     */
    static SystemFootprint awaitQuiet(DataSource database, String kafkaBootstrap, Path receiverLog, Duration patience) {
        AtomicReference<SystemFootprint> last = new AtomicReference<>();
        return await("two footprints the same, a few seconds apart")
                .atMost(patience)
                .pollInterval(Duration.ofSeconds(3))
                .until(
                        () -> {
                            SystemFootprint now = take(database, kafkaBootstrap, receiverLog);
                            SystemFootprint previous = last.getAndSet(now);
                            return previous != null
                                            && now.changesSince(previous).isEmpty()
                                    ? now
                                    : null;
                        },
                        footprint -> footprint != null);
    }

    /** What differs from {@code before}, one line per table, schema, topic partition or log. */
    List<String> changesSince(SystemFootprint before) {
        List<String> changes = new ArrayList<>();
        Set<String> allTables = new TreeSet<>(before.tables.keySet());
        allTables.addAll(tables.keySet());
        for (String table : allTables) {
            String was = before.tables.get(table);
            String is = tables.get(table);
            if (was == null || !was.equals(is)) {
                changes.add("table " + table + ": " + was + " -> " + is);
            }
        }
        for (String schema : schemas) {
            if (!before.schemas.contains(schema)) {
                changes.add("schema " + schema + " created");
            }
        }
        for (String schema : before.schemas) {
            if (!schemas.contains(schema)) {
                changes.add("schema " + schema + " dropped");
            }
        }
        Set<String> partitions = new TreeSet<>(before.topicEnds.keySet());
        partitions.addAll(topicEnds.keySet());
        for (String partition : partitions) {
            long was = before.topicEnds.getOrDefault(partition, -1L);
            long is = topicEnds.getOrDefault(partition, -1L);
            if (was != is) {
                changes.add("topic partition " + partition + ": end offset " + was + " -> " + is);
            }
        }
        if (receiverBytes != before.receiverBytes) {
            changes.add("demo receiver log: " + before.receiverBytes + " -> " + receiverBytes + " bytes");
        }
        return changes;
    }

    private static Map<String, Long> topicEnds(String bootstrap) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            // Internal topics (consumer offsets) are left out by listTopics.
            Set<String> names = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(names).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            descriptions
                    .values()
                    .forEach(d -> d.partitions()
                            .forEach(
                                    p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<String, Long> result = new TreeMap<>();
            ends.forEach((partition, info) -> result.put(partition.toString(), info.offset()));
            return result;
        }
    }
}
