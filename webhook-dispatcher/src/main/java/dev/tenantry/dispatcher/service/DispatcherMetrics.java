package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dispatcher's meters. Queue figures (due deliveries, age of the oldest, disabled endpoints)
 * come from {@link QueueFigures}.
 */
@ApplicationScoped
public class DispatcherMetrics {

    private final MeterRegistry registry;
    // Gauges keep only a weak reference to what they read: this field keeps the queue figures alive.
    private final QueueFigures queue;
    private final Timer attemptDuration;
    private final Timer claimDuration;
    private final Timer writeDuration;
    private final DistributionSummary claimSize;
    private final DistributionSummary writeSize;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<AttemptResult.Kind, Counter> attempts = new EnumMap<>(AttemptResult.Kind.class);
    private final Map<DeliveryStatus, Counter> deliveriesByOutcome = new ConcurrentHashMap<>();

    public DispatcherMetrics(MeterRegistry registry, QueueFigures queue) {
        this.registry = registry;
        this.queue = queue;
        this.attemptDuration = Timer.builder("tenantry.webhook.attempt.duration")
                .description("Time from the start of a webhook request to its outcome")
                .publishPercentileHistogram()
                .register(registry);
        this.claimDuration = Timer.builder("tenantry.webhook.claim.duration")
                .description("Time to claim a batch of due deliveries (one transaction)")
                .register(registry);
        this.claimSize = DistributionSummary.builder("tenantry.webhook.claim.size")
                .description("Deliveries taken per claim")
                .register(registry);
        this.writeDuration = Timer.builder("tenantry.webhook.outcome.write.duration")
                .description("Time to write a batch of attempt outcomes (one transaction)")
                .register(registry);
        this.writeSize = DistributionSummary.builder("tenantry.webhook.outcome.write.size")
                .description("Attempt outcomes written per transaction")
                .register(registry);
        for (AttemptResult.Kind kind : AttemptResult.Kind.values()) {
            attempts.put(
                    kind,
                    Counter.builder("tenantry.webhook.attempts")
                            .description("Webhook requests by outcome")
                            .tag("outcome", kind.name().toLowerCase(Locale.ROOT))
                            .register(registry));
        }
        // Both end states from the start, so a rate over "failed" exists before the first failure.
        counterOf(DeliveryStatus.DELIVERED);
        counterOf(DeliveryStatus.FAILED);
        Gauge.builder("tenantry.webhook.deliveries.due", queue, q -> q.current().due())
                .description("Deliveries whose next attempt is due now (queue depth)")
                .register(registry);
        Gauge.builder(
                        "tenantry.webhook.deliveries.oldest.due.age",
                        queue,
                        q -> q.current().oldestDueAgeSeconds())
                .description("Seconds the oldest due delivery has been waiting")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder(
                        "tenantry.webhook.endpoints.disabled",
                        queue,
                        q -> q.current().disabledEndpoints())
                .description("Webhook endpoints that are disabled")
                .register(registry);
        Gauge.builder("tenantry.webhook.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Webhook requests this instance has in flight")
                .register(registry);
    }

    public void attempt(AttemptResult result) {
        attempts.get(result.kind()).increment();
        attemptDuration.record(result.durationMs(), TimeUnit.MILLISECONDS);
    }

    /** A delivery reached an end state. */
    public void delivery(DeliveryStatus finalStatus) {
        deliveries(finalStatus, 1);
    }

    /**
     * Deliveries that reached an end state together, e.g. the queue of an endpoint that was
     * disabled: they failed without an attempt of their own, and count as failed all the same.
     */
    public void deliveries(DeliveryStatus finalStatus, int count) {
        if (count <= 0) {
            return;
        }
        counterOf(finalStatus).increment(count);
    }

    private Counter counterOf(DeliveryStatus finalStatus) {
        return deliveriesByOutcome.computeIfAbsent(
                finalStatus,
                status -> Counter.builder("tenantry.webhook.deliveries")
                        .description("Deliveries that reached an end state, by outcome")
                        .tag("outcome", status.dbValue())
                        .register(registry));
    }

    public void endpointDisabled(String reason) {
        Counter.builder("tenantry.webhook.endpoints.auto.disabled")
                .description("Endpoints the dispatcher disabled itself, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void claimed(int deliveries, long nanos) {
        claimDuration.record(nanos, TimeUnit.NANOSECONDS);
        claimSize.record(deliveries);
    }

    public void written(int outcomes, long nanos) {
        writeDuration.record(nanos, TimeUnit.NANOSECONDS);
        writeSize.record(outcomes);
    }

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestEnded() {
        inFlight.decrementAndGet();
    }
}
