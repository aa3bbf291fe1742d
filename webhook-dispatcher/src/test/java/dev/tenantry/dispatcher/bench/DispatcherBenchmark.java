package dev.tenantry.dispatcher.bench;

import static dev.tenantry.dispatcher.DispatcherTestSupport.infra;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static dev.tenantry.dispatcher.DispatcherTestSupport.strings;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.service.DeliveryEngine;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Dispatcher figures, printed, never asserted. Not part of {@code mvn verify} (failsafe runs *IT only):
 * <pre>cd webhook-dispatcher && mvn -B verify -Dit.test=DispatcherBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Sizes: -Dbench.events=2500 -Dbench.endpoints=4 (throughput: events x endpoints deliveries),
 * -Dbench.rate=200 -Dbench.seconds=15 (latency).
 *
 * <p>Throughput: deliveries are queued through the real intake while sending is paused, then the
 * time from resuming to the last delivery marked delivered (every attempt written) is measured.
 * Latency: events are published at a fixed rate; latency is Kafka publish to arrival at the
 * receiver. The baseline is a bare java.net.http.HttpClient posting the same bodies to the same
 * receiver with the same concurrency, with no database and no signing, and a bare Vert.x client
 * doing the same (the dispatcher sends with Vert.x).
 */
@QuarkusTest
@TestProfile(BenchmarkProfile.class)
@WithTestResource(TenantryTestResource.class)
class DispatcherBenchmark {

    private static final CloudEventCodec CODEC = new CloudEventCodec();
    private static final int TENANTS = 64;
    private static final int WARM_UP = Integer.getInteger("bench.warmup", 3000);
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final String COUNT_QUEUED = "SELECT count(*) FROM webhook_delivery WHERE tenant_id = ANY (?)";
    private static final String COUNT_DELIVERED =
            "SELECT count(*) FROM webhook_delivery WHERE tenant_id = ANY (?) AND status = 'delivered'";

    @Inject
    DeliveryEngine engine;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private final Map<String, Long> seen = new java.util.HashMap<>();
    private final Map<String, Double> seenMs = new java.util.HashMap<>();
    private final Map<String, Double> seenItems = new java.util.HashMap<>();

    private final ThreadCpu threadCpu = new ThreadCpu();
    private final ProcessCpu cpu = new ProcessCpu(System.getProperty("tenantry.test.workdir", "test-infrastructure"));

    @Test
    void printFigures() throws Exception {
        int events = Integer.getInteger("bench.events", 2500);
        int endpoints = Integer.getInteger("bench.endpoints", 4);
        int rate = Integer.getInteger("bench.rate", 200);
        int seconds = Integer.getInteger("bench.seconds", 15);
        StringBuilder out = new StringBuilder("\n=== webhook-dispatcher benchmark (" + infra().provider() + ", "
                + CORES + " CPUs, load average at start " + loadAverage() + ") ===\n");
        try (BenchReceiver receiver = new BenchReceiver(); TestKafka kafka = new TestKafka(infra().kafkaBootstrapServers())) {
            KafkaProducer<String, byte[]> producer = kafka.producer();
            warmUp(receiver, producer);
            throughput(out, receiver, producer, events, endpoints);
            latency(out, receiver, producer, rate, seconds);
            out.append("load average at end ").append(loadAverage()).append('\n');
        }
        System.out.println(out);
    }

    private void warmUp(BenchReceiver receiver, KafkaProducer<String, byte[]> producer) throws Exception {
        TestTenant tenant = TestTenant.fresh("bwarm");
        register(receiver.url("/warm"), tenant.tenantId());
        List<String> ids = new ArrayList<>();
        // Long enough for the JIT to compile the hot paths: its threads' CPU is counted too.
        for (int i = 0; i < WARM_UP; i++) {
            EventEnvelope<?> event = tenant.activated();
            ids.add(event.id());
            producer.send(CODEC.toRecord(Topics.TENANT_LIFECYCLE, event));
        }
        producer.flush();
        awaitCount(COUNT_DELIVERED, List.of(tenant.tenantId()), ids.size(), Duration.ofMinutes(2));
        rawPost(receiver.url("/warm-raw"), List.of(bodyOf(tenant.tenantId())), WARM_UP, 16);
        rawVertxPost(receiver.url("/warm-raw-vertx"), List.of(bodyOf(tenant.tenantId())), WARM_UP, 16);
    }

    private void throughput(StringBuilder out, BenchReceiver receiver, KafkaProducer<String, byte[]> producer,
                            int events, int endpointCount) throws Exception {
        List<TestTenant> tenants = tenants("bthroughput");
        List<String> tenantIds = tenants.stream().map(TestTenant::tenantId).toList();
        for (int i = 0; i < endpointCount; i++) {
            register(receiver.url("/throughput-" + i), tenantIds);
        }
        int deliveries = events * endpointCount;
        engine.pause();
        long queueStart = System.nanoTime();
        for (int i = 0; i < events; i++) {
            producer.send(CODEC.toRecord(Topics.TENANT_LIFECYCLE, tenants.get(i % tenants.size()).activated()));
        }
        producer.flush();
        awaitCount(COUNT_QUEUED, tenantIds, deliveries, Duration.ofMinutes(5));
        double intakeSeconds = (System.nanoTime() - queueStart) / 1e9;
        int requestsBefore = receiver.total();

        ProcessCpu.Sample cpuBefore = cpu.sample();
        Map<String, Long> threadsBefore = threadCpu.sample();
        pipeline(); // counts from here on belong to the throughput phase only
        ActivitySampler sampler = Boolean.getBoolean("bench.diag") ? ActivitySampler.start() : null;
        double deliveredBefore = delivered();
        long start = System.nanoTime();
        engine.resume();
        awaitDelivered(deliveredBefore + deliveries, Duration.ofMinutes(5));
        if (sampler != null) {
            out.append(sampler.stop()).append('\n');
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        ProcessCpu.Sample sendCpu = cpu.sample().minus(cpuBefore);
        awaitCount(COUNT_DELIVERED, tenantIds, deliveries, Duration.ofSeconds(10));
        out.append("  ").append(pipeline()).append('\n');
        if (Boolean.getBoolean("bench.diag")) {
            out.append(strings("SELECT string_agg(relname || ' seq=' || seq_scan || ' seqread=' || seq_tup_read || ' idx=' "
                    + "|| coalesce(idx_scan, 0) || ' idxfetch=' || coalesce(idx_tup_fetch, 0) || ' upd=' || n_tup_upd || ' hot=' || n_tup_hot_upd, E'\\n') "
                    + "FROM pg_stat_user_tables WHERE relname LIKE 'webhook%' OR relname LIKE 'dispatcher%'").get(0)).append('\n');
            out.append(strings("SELECT string_agg(indexrelname || ' scans=' || idx_scan || ' read=' || idx_tup_read || ' fetch=' "
                    + "|| idx_tup_fetch, E'\\n') FROM pg_stat_user_indexes WHERE relname LIKE 'webhook_delivery'").get(0)).append('\n');
        }
        String sendThreads = ThreadCpu.top(threadsBefore, threadCpu.sample(), deliveries, 8);
        int attempts = count("""
                SELECT count(*) FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id
                 WHERE d.tenant_id = ANY (?)""", tenantIds);
        int requests = receiver.total() - requestsBefore;

        List<String> bodies = payloads(tenantIds);
        int concurrency = Math.min(128, endpointCount * 16);
        cpuBefore = cpu.sample();
        double rawSeconds = rawPost(receiver.url("/throughput-raw"), bodies, bodies.size(), concurrency);
        ProcessCpu.Sample rawCpu = cpu.sample().minus(cpuBefore);
        cpuBefore = cpu.sample();
        double vertxSeconds = rawVertxPost(receiver.url("/throughput-raw-vertx"), bodies, bodies.size(), concurrency);
        ProcessCpu.Sample vertxCpu = cpu.sample().minus(cpuBefore);

        out.append(String.format("intake: %d events -> %d deliveries queued from Kafka in %.2f s (%.0f deliveries/s)%n",
                events, deliveries, intakeSeconds, deliveries / intakeSeconds));
        out.append(String.format("throughput: %d deliveries to %d loopback endpoints in %.2f s = %.0f deliveries/s "
                        + "(%d attempts persisted, %d requests received)%n",
                deliveries, endpointCount, sendSeconds, deliveries / sendSeconds, attempts, requests));
        out.append(String.format("raw java.net.http.HttpClient, same %d bodies, same receiver, %d in flight: %.2f s = "
                        + "%.0f requests/s (dispatcher at %.0f%% of it)%n",
                bodies.size(), concurrency, rawSeconds, bodies.size() / rawSeconds,
                100.0 * (deliveries / sendSeconds) / (bodies.size() / rawSeconds)));
        out.append(String.format("raw Vert.x HttpClient, same %d bodies, same receiver, %d in flight: %.2f s = "
                        + "%.0f requests/s (dispatcher at %.0f%% of it)%n",
                bodies.size(), concurrency, vertxSeconds, bodies.size() / vertxSeconds,
                100.0 * (deliveries / sendSeconds) / (bodies.size() / vertxSeconds)));
        if (cpu.available()) {
            out.append(String.format("  CPU per delivery: %s; raw java.net.http client + receiver %.3f ms, "
                            + "raw Vert.x client + receiver %.3f ms%n", perItem(sendCpu, deliveries),
                    rawCpu.jvm() * 1000 / bodies.size(), vertxCpu.jvm() * 1000 / bodies.size()));
            out.append("  JVM threads, CPU ms per delivery: ").append(sendThreads).append('\n');
            out.append(String.format("  CPU-bound ceiling on %d cores (all of this machine, nothing else running): "
                            + "dispatcher %.0f deliveries/s, raw java.net.http %.0f requests/s, raw Vert.x %.0f requests/s%n",
                    CORES, CORES * deliveries / sendCpu.total(), CORES * bodies.size() / rawCpu.jvm(),
                    CORES * bodies.size() / vertxCpu.jvm()));
        }
    }

    /** Claims and outcome writes since the last call: how many, how large, how long. */
    private String pipeline() {
        StringBuilder text = new StringBuilder();
        for (String[] pair : new String[][] {{"claim", "tenantry.webhook.claim"}, {"write", "tenantry.webhook.outcome.write"}}) {
            io.micrometer.core.instrument.Timer timer = registry.get(pair[1] + ".duration").timer();
            io.micrometer.core.instrument.DistributionSummary size = registry.get(pair[1] + ".size").summary();
            long count = timer.count() - seen.getOrDefault(pair[0], 0L);
            double totalMs = timer.totalTime(TimeUnit.MILLISECONDS) - seenMs.getOrDefault(pair[0], 0.0);
            double items = size.totalAmount() - seenItems.getOrDefault(pair[0], 0.0);
            seen.put(pair[0], timer.count());
            seenMs.put(pair[0], timer.totalTime(TimeUnit.MILLISECONDS));
            seenItems.put(pair[0], size.totalAmount());
            text.append(String.format("%s: %d transactions, %.1f per transaction, %.2f ms each; ", pair[0], count,
                    count == 0 ? 0 : items / count, count == 0 ? 0 : totalMs / count));
        }
        return text.toString();
    }

    private static String perItem(ProcessCpu.Sample used, int items) {
        return String.format("%.3f ms (JVM incl. receiver %.3f, PostgreSQL %.3f, Kafka %.3f)", used.total() * 1000 / items,
                used.jvm() * 1000 / items, used.postgres() * 1000 / items, used.kafka() * 1000 / items);
    }

    private void latency(StringBuilder out, BenchReceiver receiver, KafkaProducer<String, byte[]> producer, int rate,
                         int seconds) throws Exception {
        List<TestTenant> tenants = tenants("blatency");
        List<String> tenantIds = tenants.stream().map(TestTenant::tenantId).toList();
        register(receiver.url("/latency"), tenantIds);
        int total = rate * seconds;
        ProcessCpu.Sample cpuBefore = cpu.sample();
        Map<String, Long> threadsBefore = threadCpu.sample();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        long intervalNanos = 1_000_000_000L / rate;
        double deliveredBefore = delivered();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            pauseUntil(due);
            EventEnvelope<?> event = tenants.get(i % tenants.size()).activated();
            sentAt.put(event.id(), System.nanoTime());
            producer.send(CODEC.toRecord(Topics.TENANT_LIFECYCLE, event));
        }
        producer.flush();
        awaitDelivered(deliveredBefore + total, Duration.ofMinutes(5));
        ProcessCpu.Sample used = cpu.sample().minus(cpuBefore);
        String threads = ThreadCpu.top(threadsBefore, threadCpu.sample(), total, 8);
        awaitCount(COUNT_DELIVERED, tenantIds, total, Duration.ofSeconds(10));
        long[] latencies = sentAt.entrySet().stream()
                .mapToLong(e -> receiver.arrivalOf(e.getKey()) - e.getValue()).sorted().toArray();

        // Raw: the same bodies, posted at the same rate, timed from send to arrival.
        List<String> bodies = payloads(tenantIds);
        long[] raw = rawLatencies(receiver, bodies, rate);

        out.append(String.format("latency at %d events/s for %d s (%d events), Kafka publish -> receiver: "
                        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", rate, seconds, total,
                percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100)));
        out.append(String.format("raw HttpClient at %d requests/s, send -> receiver: p50 %.1f ms, p99 %.1f ms, "
                        + "max %.1f ms%n", rate, percentile(raw, 50), percentile(raw, 99), percentile(raw, 100)));
        if (cpu.available()) {
            out.append(String.format("  CPU per event, Kafka intake to delivered: %s%n", perItem(used, total)));
            out.append("  JVM threads, CPU ms per event: ").append(threads).append('\n');
        }
    }

    private static String bodyOf(String tenantId) throws Exception {
        return strings("SELECT payload FROM webhook_delivery WHERE tenant_id = ? LIMIT 1", tenantId).get(0);
    }

    /** Posts the bodies with a bare client, at most {@code concurrency} at once; returns seconds taken. */
    private static double rawPost(String url, List<String> bodies, int count, int concurrency) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<?>> all = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                    .header("content-type", "application/cloudevents+json")
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()), StandardCharsets.UTF_8))
                    .build();
            all.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> slots.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        return (System.nanoTime() - start) / 1e9;
    }

    /** The same as {@link #rawPost} with a bare Vert.x client on an event loop of its own. */
    private static double rawVertxPost(String url, List<String> bodies, int count, int concurrency) throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        try {
            URI uri = URI.create(url);
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(
                    new io.vertx.core.http.HttpClientOptions().setKeepAlive(true),
                    new io.vertx.core.http.PoolOptions().setHttp1MaxSize(concurrency));
            Semaphore slots = new Semaphore(concurrency);
            List<CompletableFuture<?>> all = new ArrayList<>(count);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                slots.acquire();
                io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(bodies.get(i % bodies.size()));
                CompletableFuture<Void> done = new CompletableFuture<>();
                client.request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                                .setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath())
                                .putHeader("content-type", "application/cloudevents+json"))
                        .compose(request -> request.send(body))
                        .compose(response -> response.end())
                        .onComplete(r -> {
                            slots.release();
                            if (r.succeeded()) {
                                done.complete(null);
                            } else {
                                done.completeExceptionally(r.cause());
                            }
                        });
                all.add(done);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static long[] rawLatencies(BenchReceiver receiver, List<String> bodies, int rate) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String url = receiver.url("/latency-raw");
        long intervalNanos = 1_000_000_000L / rate;
        long[] sent = new long[bodies.size()];
        List<CompletableFuture<?>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < bodies.size(); i++) {
            long due = start + i * intervalNanos;
            pauseUntil(due);
            String id = "raw-" + i;
            sent[i] = System.nanoTime();
            all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("webhook-id", id)
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        long[] latencies = new long[bodies.size()];
        for (int i = 0; i < bodies.size(); i++) {
            latencies[i] = receiver.arrivalOf("raw-" + i) - sent[i];
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** Lifecycle events are keyed by tenant: many tenants spread them over the topic's partitions. */
    private static List<TestTenant> tenants(String prefix) {
        List<TestTenant> tenants = new ArrayList<>();
        for (int i = 0; i < TENANTS; i++) {
            tenants.add(TestTenant.fresh(prefix));
        }
        return tenants;
    }

    private static List<String> payloads(List<String> tenantIds) throws Exception {
        try (Connection c = infra().dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT payload FROM webhook_delivery WHERE tenant_id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", tenantIds.toArray()));
            List<String> payloads = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    payloads.add(rows.getString(1));
                }
            }
            return payloads;
        }
    }

    private static int count(String sql, List<String> tenantIds) throws Exception {
        try (Connection c = infra().dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("text", tenantIds.toArray()));
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /**
     * Deliveries the dispatcher has written as delivered (its counter moves after the commit).
     * Watching it costs the database nothing, unlike counting rows while it works; the rows are
     * counted once at the end.
     */
    private double delivered() {
        io.micrometer.core.instrument.Counter counter = registry.find("tenantry.webhook.deliveries")
                .tag("outcome", "delivered").counter();
        return counter == null ? 0 : counter.count();
    }

    private void awaitDelivered(double expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delivered() < expected) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("only " + delivered() + " of " + expected + " delivered after " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /** Counting in the database is work for it too: polled every 100 ms, not more often. */
    private static void awaitCount(String sql, List<String> tenantIds, int expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            seen = count(sql, tenantIds);
            if (seen >= expected) {
                return;
            }
            Thread.sleep(100);
        }
        throw new TimeoutException("only " + seen + " of " + expected + " after " + timeout + ": " + sql);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Sleeps rather than spins: a spinning sender would take one of the machine's two cores. */
    private static void pauseUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private static double percentile(long[] sortedNanos, int p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }
}
