package dev.tenantry.benchmarks;

import dev.tenantry.benchmarks.LifecycleEvents.BenchTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Deliveries per second from the first event produced to the last attempt persisted: events for
 * {@code tenants} made-up tenants, each delivered to every one of {@code endpoints} loopback
 * endpoints. Beside it, the same number of the same bodies posted to the same receiver by bare
 * clients with as many requests in flight as the dispatcher allows itself.
 */
final class DeliveryThroughput {

    /** The dispatcher's defaults: requests in flight per endpoint, and per instance. */
    static final int PER_ENDPOINT_IN_FLIGHT = 16;

    static final int INSTANCE_IN_FLIGHT = 128;
    private static final int TENANTS = 64;
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private final BenchContext context;
    private final WebhookEndpoints api;
    private final LoopbackReceiver receiver;
    private final LifecycleEvents lifecycle;
    private final DeliveryLedger ledger;

    DeliveryThroughput(
            BenchContext context,
            WebhookEndpoints api,
            LoopbackReceiver receiver,
            LifecycleEvents lifecycle,
            DeliveryLedger ledger) {
        this.context = context;
        this.api = api;
        this.receiver = receiver;
        this.lifecycle = lifecycle;
        this.ledger = ledger;
    }

    static int inFlight(int endpoints) {
        return Math.min(INSTANCE_IN_FLIGHT, endpoints * PER_ENDPOINT_IN_FLIGHT);
    }

    /**
     * The stack's JVMs start cold: without this the first repetition measures the JIT. Nothing is
     * recorded; the raw clients get their warm-up too.
     */
    void warmUp(int events) throws Exception {
        List<String> endpointIds = deliverAll("/warm-up", events, 1).endpointIds();
        List<String> bodies = ledger.payloads(endpointIds.get(0));
        RawWebhookPosts.javaNetHttp(receiver.url("/warm-up-raw-java-net-http"), bodies, events, inFlight(1));
        RawWebhookPosts.vertx(receiver.url("/warm-up-raw-vertx"), bodies, events, inFlight(1));
    }

    void measure(int repetition, int events, int endpoints) throws Exception {
        int deliveries = events * endpoints;
        Delivered run = deliverAll("/throughput/" + repetition, events, endpoints);
        List<String> endpointIds = run.endpointIds();
        double perSecond = deliveries / run.seconds();
        Figures figures = context.figures();
        figures.system(
                WebhookDeliveryScenario.ID,
                "throughput, every attempt persisted",
                "deliveries/s",
                Target.atLeast(4000),
                perSecond);
        figures.info(
                WebhookDeliveryScenario.ID,
                "attempts persisted per delivery",
                "attempts",
                (double) ledger.attempts(endpointIds) / deliveries);

        List<String> bodies = ledger.payloads(endpointIds.get(0));
        int inFlight = inFlight(endpoints);
        double javaNetHttp = deliveries
                / RawWebhookPosts.javaNetHttp(
                        receiver.url("/raw-java-net-http/" + repetition), bodies, deliveries, inFlight);
        double vertx = deliveries
                / RawWebhookPosts.vertx(receiver.url("/raw-vertx/" + repetition), bodies, deliveries, inFlight);
        figures.floor(WebhookDeliveryScenario.ID, "raw java.net.http client, same bodies", "requests/s", javaNetHttp);
        figures.floor(WebhookDeliveryScenario.ID, "raw Vert.x client, same bodies", "requests/s", vertx);
        figures.ratio(WebhookDeliveryScenario.ID, "throughput / raw java.net.http", null, perSecond / javaNetHttp);
        figures.ratio(WebhookDeliveryScenario.ID, "throughput / raw Vert.x", null, perSecond / vertx);
    }

    /** The endpoints a run registered, and seconds from its first event produced to its last attempt persisted. */
    private record Delivered(List<String> endpointIds, double seconds) {}

    /**
     * Registers {@code endpoints} endpoints under {@code path} for fresh tenants, waits until the
     * dispatcher has nothing else in flight or due, produces the events and returns once every
     * delivery's successful attempt is in PostgreSQL.
     */
    private Delivered deliverAll(String path, int events, int endpoints) throws Exception {
        List<BenchTenant> tenants = LifecycleEvents.freshTenants(context, TENANTS);
        List<String> tenantIds = LifecycleEvents.ids(tenants);
        List<String> paths = new ArrayList<>();
        List<String> endpointIds = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            paths.add(path + "/" + i);
            endpointIds.add(api.register(receiver.url(paths.get(i)), tenantIds));
        }
        int deliveries = events * endpoints;
        ledger.awaitNothingDue(PATIENCE);

        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            lifecycle.send(tenants.get(i % tenants.size()).activated());
        }
        lifecycle.flush();
        // The receiver is watched for free in this JVM; PostgreSQL is asked only once the last
        // request is in, so that counting rows takes nothing from the dispatcher's database.
        awaitReceived(paths, deliveries);
        ledger.awaitSuccessfulAttempts(endpointIds, deliveries, Duration.ofMillis(20), PATIENCE);
        return new Delivered(endpointIds, (System.nanoTime() - start) / 1e9);
    }

    private void awaitReceived(List<String> paths, int expected) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int received;
        while ((received = paths.stream().mapToInt(receiver::received).sum()) < expected) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "the receiver got " + received + " of " + expected + " requests in " + PATIENCE);
            }
            Thread.sleep(5);
        }
    }
}
