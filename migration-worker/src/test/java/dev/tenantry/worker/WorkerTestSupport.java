package dev.tenantry.worker;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.TenantryInfrastructure;
import dev.tenantry.testinfra.TestKafka;
import dev.tenantry.testinfra.TestNames;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** What the worker's integration tests share: sending requests, awaiting results, reading the database. */
public final class WorkerTestSupport {

    public static final Duration TIMEOUT = Duration.ofSeconds(180);
    /** The tables of a tenant built from the demo migrations, history table included. */
    public static final List<String> DEMO_TABLES =
            List.of("carriers", "contacts", "customers", "flyway_schema_history", "invoices", "plants", "suppliers");

    static final URI SOURCE = URI.create("urn:tenantry:worker-tests");
    static final CloudEventCodec CODEC = new CloudEventCodec();

    private WorkerTestSupport() {}

    public static Infrastructure infra() {
        return TenantryInfrastructure.get();
    }

    public static TestKafka kafka() {
        return new TestKafka(infra().kafkaBootstrapServers());
    }

    /** A fresh tenant identity: slug unique per test run. */
    public record TestTenant(String tenantId, String slug, String schema) {
        public static TestTenant fresh(String prefix) {
            String slug = TestNames.unique(prefix);
            return new TestTenant(UUID.randomUUID().toString(), slug, "tenant_" + slug);
        }

        public EventEnvelope<TenantRequested> requested() {
            return requested(null);
        }

        public EventEnvelope<TenantRequested> requested(String targetVersion) {
            return EventEnvelope.create(SOURCE, new TenantRequested(tenantId, slug, schema, targetVersion));
        }

        public EventEnvelope<TenantUpgradeRequested> upgradeRequested() {
            return EventEnvelope.create(SOURCE, new TenantUpgradeRequested(tenantId, slug, schema, null));
        }

        public EventEnvelope<TenantRollbackRequested> rollbackRequested() {
            return EventEnvelope.create(
                    SOURCE, new TenantRollbackRequested(tenantId, slug, schema, "test compensation"));
        }

        public EventEnvelope<TenantDeletionRequested> deletionRequested() {
            return EventEnvelope.create(SOURCE, new TenantDeletionRequested(tenantId, slug, schema));
        }
    }

    public static void send(EventEnvelope<?> request) {
        try (TestKafka kafka = kafka()) {
            kafka.producer()
                    .send(CODEC.toRecord(Topics.TENANT_MIGRATION_REQUESTS, request))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + request.type(), e);
        }
    }

    /** The result the worker published for this request (matched on the causation id). */
    public static EventEnvelope<TenantryEvent> awaitResult(EventEnvelope<?> request) {
        try (TestKafka kafka = kafka()) {
            ConsumerRecord<String, byte[]> record = kafka.awaitRecord(
                    Topics.TENANT_MIGRATION_RESULTS, r -> request.id().equals(header(r, "ce_causationid")), TIMEOUT);
            return CODEC.decode(record.headers(), record.value());
        }
    }

    /** The first result of each request, read in one pass over the results topic. */
    public static List<EventEnvelope<TenantryEvent>> awaitResultsOf(List<? extends EventEnvelope<?>> requests) {
        java.util.Map<String, EventEnvelope<TenantryEvent>> byRequest = new java.util.HashMap<>();
        java.util.Set<String> wanted = new java.util.HashSet<>();
        requests.forEach(r -> wanted.add(r.id()));
        for (ConsumerRecord<String, byte[]> r : recordsWithin(
                Topics.TENANT_MIGRATION_RESULTS,
                TIMEOUT,
                rec -> {
                    String cause = header(rec, "ce_causationid");
                    return cause != null && wanted.remove(cause);
                },
                requests.size())) {
            EventEnvelope<TenantryEvent> result = CODEC.decode(r.headers(), r.value());
            byRequest.put(result.causationId(), result);
        }
        return requests.stream().map(r -> byRequest.get(r.id())).toList();
    }

    /** The results published for this request, waiting until {@code count} have arrived (or the timeout). */
    public static List<EventEnvelope<TenantryEvent>> awaitResults(EventEnvelope<?> request, int count) {
        List<EventEnvelope<TenantryEvent>> results = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : recordsWithin(
                Topics.TENANT_MIGRATION_RESULTS,
                TIMEOUT,
                rec -> request.id().equals(header(rec, "ce_causationid")),
                count)) {
            results.add(CODEC.decode(r.headers(), r.value()));
        }
        return results;
    }

    /**
     * Records of a topic (read from the beginning) that match, gathered until {@code enough} have
     * been seen or {@code wait} has passed; never fails for having found fewer.
     */
    public static List<ConsumerRecord<String, byte[]>> recordsWithin(
            String topic, Duration wait, Predicate<ConsumerRecord<String, byte[]>> matcher, int enough) {
        List<ConsumerRecord<String, byte[]>> matching = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        try (TestKafka kafka = kafka();
                KafkaConsumer<String, byte[]> consumer = kafka.newConsumer()) {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                partitions = consumer.listTopics(Duration.ofSeconds(5)).getOrDefault(topic, List.of()).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                if (partitions.isEmpty()) {
                    sleep(100); // the topic appears with its first record
                }
            }
            if (partitions.isEmpty()) {
                return matching;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (matching.size() < enough && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (matcher.test(record)) {
                        matching.add(record);
                    }
                }
            }
        }
        return matching;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static boolean schemaExists(String schema) throws SQLException {
        return queryInt("SELECT count(*) FROM pg_namespace WHERE nspname = ?", schema) == 1;
    }

    public static List<String> tables(String schema) throws SQLException {
        return queryStrings(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1", schema);
    }

    /** The first column of every row. */
    public static List<String> queryStrings(String sql, Object... params) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    public static int queryInt(String sql, Object... params) throws SQLException {
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** One statement with parameters. */
    public static void update(String sql, Object... params) throws SQLException {
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    public static void execute(String sql) throws SQLException {
        try (Connection c = infra().dataSource().getConnection();
                var s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
