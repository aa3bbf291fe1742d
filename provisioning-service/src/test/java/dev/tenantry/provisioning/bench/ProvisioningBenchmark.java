package dev.tenantry.provisioning.bench;

import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.infra;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantProvisioningStarted;
import dev.tenantry.provisioning.ServiceProcess;
import dev.tenantry.provisioning.repository.OutboxRepository;
import dev.tenantry.provisioning.repository.Transactions;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Provisioning figures, printed, never asserted. Not part of {@code mvn verify} (failsafe runs *IT
 * only); run it with
 * <pre>mvn -B verify -pl provisioning-service -Dit.test=ProvisioningBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Sizes: -Dbench.warmup=40 -Dbench.sequential=50 -Dbench.clients=10 -Dbench.perClient=10 -Dbench.relay=200;
 * -Dbench.worker=tenantry.worker.concurrency=4,tenantry.worker.spare-pool.size=32 sets worker settings.
 *
 * <p>POST → ACTIVE is measured from just before the POST to the moment a Kafka consumer sees the
 * tenant's TenantActivated: what a client waiting for the lifecycle event experiences, with the
 * real worker creating the demo schema. Commit → Kafka is the relay alone: an outbox row committed
 * to the moment a consumer receives it.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class ProvisioningBenchmark {

    private static final URI SOURCE = URI.create("urn:tenantry:benchmark");

    @Inject
    Transactions transactions;
    @Inject
    OutboxRepository outbox;
    @TestHTTPResource("/tenants")
    URI tenantsUri;

    // A plain HTTP client and one token: REST Assured compiles Groovy path expressions on every
    // call, and that client-side CPU, on the same two cores, would be measured as service latency.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String token = admin();

    private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
    /** Wall-clock microseconds, comparable with the database's timestamps: POST sent, event received. */
    private final Map<String, Long> postedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    private final List<String> ids = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean listening = true;

    @Test
    void printFigures() throws Exception {
        int sequential = Integer.getInteger("bench.sequential", 50);
        int clients = Integer.getInteger("bench.clients", 10);
        int perClient = Integer.getInteger("bench.perClient", 10);
        int relayRows = Integer.getInteger("bench.relay", 200);
        // -Dbench.worker=key=value,key=value starts the worker with those settings instead of its defaults.
        String workerSettings = System.getProperty("bench.worker");
        ServiceProcess worker = workerSettings == null ? ServiceProcess.sharedWorker()
                : ServiceProcess.startWorker("bench", List.of(workerSettings.split(",")));
        StringBuilder out = new StringBuilder("\n=== provisioning-service benchmark (" + infra().provider()
                + ", " + Runtime.getRuntime().availableProcessors() + " cores, worker settings: "
                + (workerSettings == null ? "defaults" : workerSettings) + ") ===\n");

        Thread lifecycle = listen(Topics.TENANT_LIFECYCLE, EventType.TENANT_ACTIVATED.type(), true);
        try {
            // Warm-up: JIT (the JVMs compile for tens of seconds after start, which would be measured
            // as latency otherwise), connection pools, topic metadata; both shapes of load.
            int warmup = Integer.getInteger("bench.warmup", 40);
            provisionSequentially(warmup);
            provisionConcurrently(clients, Math.max(1, warmup / clients));
            ids.clear();
            out.append("spare pool settled at ").append(awaitSparePoolSettled()).append(" schemas; ")
                    .append(spareFootprint()).append('\n');
            CpuShares idle = CpuShares.read();
            Thread.sleep(5_000);
            out.append("idle, CPU per second: ").append(CpuShares.read().since(idle, 5).replace("CPU per signup: ", ""))
                    .append('\n');
            CpuShares before = CpuShares.read();
            List<Long> seq = provisionSequentially(sequential);
            out.append(line("POST -> TenantActivated on Kafka, sequential", seq));
            out.append("  ").append(CpuShares.read().since(before, sequential)).append('\n');
            out.append(breakdown(List.copyOf(ids)));
            ids.clear();
            awaitSparePoolSettled();
            before = CpuShares.read();
            List<Long> conc = provisionConcurrently(clients, perClient);
            out.append(line("POST -> TenantActivated on Kafka, " + clients + " clients", conc));
            out.append("  ").append(CpuShares.read().since(before, clients * perClient)).append('\n');
            out.append(breakdown(List.copyOf(ids)));
        } finally {
            listening = false;
            lifecycle.join(5_000);
        }

        String topic = "bench-relay." + TestNames.unique("run");
        listening = true;
        Thread relayed = listen(topic, null, false);
        try {
            relayLatency(topic, 20); // warm-up
            out.append(line("outbox commit -> Kafka consumer (relay alone)", relayLatency(topic, relayRows)));
        } finally {
            listening = false;
            relayed.join(5_000);
        }
        System.out.println(out);
        if (workerSettings != null) {
            worker.close();
        }
    }

    private List<Long> provisionSequentially(int count) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            micros.add(provisionOne());
        }
        return micros;
    }

    private List<Long> provisionConcurrently(int clients, int perClient) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> provisionSequentially(perClient)));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get(10, TimeUnit.MINUTES));
        }
        pool.shutdown();
        return all;
    }

    /** @return microseconds from before the POST to TenantActivated arriving on Kafka */
    private long provisionOne() throws Exception {
        long start = System.nanoTime();
        long startWall = wallMicros();
        String body = json.writeValueAsString(Map.of("slug", TestNames.unique("bench"), "displayName", "Benchmark tenant"));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tenantsUri)
                .header("Authorization", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("POST /tenants answered " + response.statusCode() + ": " + response.body());
        }
        String id = json.readTree(response.body()).get("id").asText();
        long arrived = arrivals.computeIfAbsent(id, k -> new CompletableFuture<>()).get(2, TimeUnit.MINUTES);
        arrivals.remove(id);
        postedAt.put(id, startWall);
        ids.add(id);
        return (arrived - start) / 1_000;
    }

    /** Where the time went, from the registry's, the timeline's and the worker's own timestamps. */
    private String breakdown(List<String> tenantIds) throws Exception {
        String sql = """
                SELECT extract(epoch FROM a.occurred_at - t.created_at) * 1e6,
                       extract(epoch FROM r.started_at - t.created_at) * 1e6,
                       extract(epoch FROM r.finished_at - r.started_at) * 1e6,
                       extract(epoch FROM m.occurred_at - r.finished_at) * 1e6,
                       t.id::text, extract(epoch FROM t.created_at) * 1e6, extract(epoch FROM a.occurred_at) * 1e6
                FROM tenant t
                JOIN tenant_timeline a ON a.tenant_id = t.id AND a.to_status = 'ACTIVE'
                JOIN tenant_timeline m ON m.tenant_id = t.id AND m.kind = 'migration-result'
                JOIN migration_run r ON r.tenant_id = t.id::text AND r.kind = 'new'
                WHERE t.id = ANY (?::uuid[])
                """;
        List<List<Long>> columns = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<Long> posted = new ArrayList<>();
        List<Long> published = new ArrayList<>();
        transactions.read(tx -> {
            try (var select = tx.connection().prepareStatement(sql)) {
                select.setObject(1, tenantIds.toArray(new String[0]));
                try (var rows = select.executeQuery()) {
                    while (rows.next()) {
                        for (int c = 0; c < 4; c++) {
                            columns.get(c).add((long) rows.getDouble(c + 1));
                        }
                        String id = rows.getString(5);
                        if (postedAt.containsKey(id) && receivedAt.containsKey(id)) {
                            posted.add((long) rows.getDouble(6) - postedAt.get(id));
                            published.add(receivedAt.get(id) - (long) rows.getDouble(7));
                        }
                    }
                }
            }
            return null;
        });
        if (columns.get(0).isEmpty()) {
            return "  (no breakdown: worker run log not found)\n";
        }
        return "  schemas taken from the worker's spare pool: " + fromSparePool(tenantIds) + " of " + tenantIds.size()
                + "\n  " + line("POST sent -> request recorded (HTTP, auth)", posted)
                + "  " + line("request recorded -> ACTIVE in the registry", columns.get(0))
                + "  " + line("request committed -> worker starts (relay, Kafka)", columns.get(1))
                + "  " + line("worker: create schema + migrations V1..V3", columns.get(2))
                + "  " + line("worker done -> result applied (Kafka, saga)", columns.get(3))
                + "  " + line("ACTIVE recorded -> TenantActivated received", published);
    }

    /**
     * A running worker fills its spare pool in the pauses between signups; measure from that state
     * (the pool full, or no longer growing), as a burst meets it in production. The figures print
     * how many signups found a spare.
     */
    private long awaitSparePoolSettled() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long previous = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            long ready = transactions.read(tx -> {
                try (var select = tx.connection().prepareStatement("SELECT count(*) FROM tenant_spare_schema");
                     var rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            });
            if (ready == previous && ready > 0) {
                return ready;
            }
            previous = ready;
        }
        return previous;
    }

    /** Disk and catalog cost of one spare schema (what a larger pool costs). */
    private String spareFootprint() throws Exception {
        return transactions.read(tx -> {
            try (var select = tx.connection().prepareStatement("""
                    SELECT count(*), coalesce(sum(pg_total_relation_size(c.oid)), 0)
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = (SELECT schema_name FROM tenant_spare_schema ORDER BY created_at LIMIT 1)
                      AND c.relkind IN ('r', 'i', 'S', 'p')
                    """); var rows = select.executeQuery()) {
                rows.next();
                return String.format("one spare: %d tables, indexes and sequences, %.0f kB on disk", rows.getLong(1),
                        rows.getLong(2) / 1024.0);
            }
        });
    }

    /** A schema whose first migration was recorded before its tenant was requested was a spare. */
    private int fromSparePool(List<String> tenantIds) throws Exception {
        return transactions.read(tx -> {
            int spares = 0;
            for (String id : tenantIds) {
                String schema;
                try (var select = tx.connection().prepareStatement("SELECT slug FROM tenant WHERE id = ?::uuid")) {
                    select.setString(1, id);
                    try (var rows = select.executeQuery()) {
                        rows.next();
                        schema = "tenant_" + rows.getString(1);
                    }
                }
                try (var select = tx.connection().prepareStatement("SELECT (SELECT min(installed_on) FROM " + schema
                        + ".flyway_schema_history) < (SELECT created_at AT TIME ZONE current_setting('TimeZone')"
                        + " FROM tenant WHERE id = ?::uuid)")) {
                    select.setString(1, id);
                    try (var rows = select.executeQuery()) {
                        rows.next();
                        spares += rows.getBoolean(1) ? 1 : 0;
                    }
                }
            }
            return spares;
        });
    }

    private List<Long> relayLatency(String topic, int rows) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            EventEnvelope<TenantProvisioningStarted> event = EventEnvelope.create(SOURCE,
                    new TenantProvisioningStarted(UUID.randomUUID().toString(), "bench", "tenant_bench", null));
            transactions.inTransaction(tx -> {
                outbox.append(tx.connection(), topic, event);
                return null;
            });
            long committed = System.nanoTime();
            long arrived = arrivals.computeIfAbsent(event.id(), k -> new CompletableFuture<>())
                    .get(1, TimeUnit.MINUTES);
            micros.add((arrived - committed) / 1_000);
            Thread.sleep(5);
        }
        return micros;
    }

    /** Records when each event arrives, by tenant id (key) or by event id. */
    private Thread listen(String topic, String type, boolean byKey) throws InterruptedException {
        CompletableFuture<Void> assigned = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra().kafkaBootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "benchmark-" + UUID.randomUUID());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            // A fetch is answered as soon as a record arrives; a shorter wait only adds empty fetches.
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                while (partitions.isEmpty()) {
                    var infos = consumer.listTopics(Duration.ofSeconds(5)).get(topic);
                    if (infos == null) {
                        createTopic(topic);
                        continue;
                    }
                    infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                assigned.complete(null);
                while (listening) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        long nowWall = wallMicros();
                        if (type != null && !type.equals(header(record, CloudEventCodec.CE_TYPE))) {
                            continue;
                        }
                        String key = byKey ? record.key() : header(record, CloudEventCodec.CE_ID);
                        receivedAt.put(key, nowWall);
                        arrivals.computeIfAbsent(key, k -> new CompletableFuture<>()).complete(now);
                    }
                }
            } catch (Exception e) {
                assigned.completeExceptionally(e);
            }
        }, "benchmark-listener");
        thread.setDaemon(true);
        thread.start();
        try {
            assigned.get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("listener did not start", e);
        }
        return thread;
    }

    private static void createTopic(String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra().kafkaBootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String line(String what, List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return String.format("%-52s n=%4d  p50=%7.1f ms  p90=%7.1f ms  p99=%7.1f ms  max=%7.1f ms%n", what,
                sorted.size(), pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                sorted.get(sorted.size() - 1) / 1000.0);
    }

    private static double pct(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1000.0;
    }
}
