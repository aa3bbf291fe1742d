package dev.tenantry.benchmarks;

import dev.tenantry.benchmarks.LifecycleEvents.BenchTenant;
import dev.tenantry.contracts.EventEnvelope;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Event produced → request received by the receiver, for events produced at a steady rate to one
 * loopback endpoint; beside it, a bare {@code java.net.http} client posting the same bodies at the
 * same rate, send → received. Both clocks are {@link System#nanoTime()} of this JVM, which holds the
 * producer and the receiver.
 */
final class DeliveryLatency {

    private static final int TENANTS = 64;
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private final BenchContext context;
    private final WebhookEndpoints api;
    private final LoopbackReceiver receiver;
    private final LifecycleEvents lifecycle;
    private final DeliveryLedger ledger;

    DeliveryLatency(
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

    void measure(int repetition, int perSecond, int seconds) throws Exception {
        List<BenchTenant> tenants = LifecycleEvents.freshTenants(context, TENANTS);
        String endpointId = api.register(receiver.url("/latency/" + repetition), LifecycleEvents.ids(tenants));
        ledger.awaitNothingDue(Duration.ofMinutes(5));

        int total = perSecond * seconds;
        String[] eventIds = new String[total];
        long[] producedAt = new long[total];
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            RawWebhookPosts.pauseUntil(start + i * interval);
            EventEnvelope<?> event = tenants.get(i % tenants.size()).activated();
            eventIds[i] = event.id();
            producedAt[i] = System.nanoTime();
            lifecycle.send(event);
        }
        lifecycle.flush();
        // The dispatcher sends the event id as webhook-id.
        long[] latencies = latencies(eventIds, producedAt);
        // Every attempt in PostgreSQL before the next phase, so that its writes don't overlap it.
        ledger.awaitSuccessfulAttempts(List.of(endpointId), total, Duration.ofMillis(100), PATIENCE);

        String prefix = "raw-" + repetition + "-";
        List<String> bodies = ledger.payloads(endpointId);
        long[] sentAt = RawWebhookPosts.javaNetHttpAtRate(
                receiver.url("/latency-raw/" + repetition), bodies, perSecond, prefix);
        String[] rawIds = new String[sentAt.length];
        Arrays.setAll(rawIds, i -> prefix + i);
        long[] raw = latencies(rawIds, sentAt);

        Figures figures = context.figures();
        figures.system(
                WebhookDeliveryScenario.ID,
                "latency p50, event produced → received",
                "ms",
                null,
                percentile(latencies, 50));
        figures.system(
                WebhookDeliveryScenario.ID,
                "latency p99, event produced → received",
                "ms",
                Target.atMost(100),
                percentile(latencies, 99));
        figures.info(
                WebhookDeliveryScenario.ID, "latency max, event produced → received", "ms", percentile(latencies, 100));
        figures.floor(WebhookDeliveryScenario.ID, "raw java.net.http p50, sent → received", "ms", percentile(raw, 50));
        figures.floor(WebhookDeliveryScenario.ID, "raw java.net.http p99, sent → received", "ms", percentile(raw, 99));
    }

    /** Arrival minus start for each id, sorted, once every id has arrived. */
    private long[] latencies(String[] webhookIds, long[] startedAt) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long[] latencies = new long[webhookIds.length];
        for (int i = 0; i < webhookIds.length; i++) {
            Long arrival;
            while ((arrival = receiver.firstArrival(webhookIds[i])) == null) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("webhook-id " + webhookIds[i] + " never reached the receiver");
                }
                Thread.sleep(5);
            }
            latencies[i] = arrival - startedAt[i];
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** Nearest rank, in milliseconds. */
    private static double percentile(long[] sortedNanos, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }
}
