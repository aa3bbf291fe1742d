package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.DeliveryRepository.DueStats;
import dev.tenantry.dispatcher.repository.EndpointRepository;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The dispatcher's meters. Queue figures (due deliveries, age of the oldest, disabled endpoints)
 * come from the database, read at most every two seconds however often they are scraped.
 */
@ApplicationScoped
public class DispatcherMetrics {

    private static final Logger LOG = Logger.getLogger(DispatcherMetrics.class);
    private static final Duration QUEUE_STATS_MAX_AGE = Duration.ofSeconds(2);

    private final MeterRegistry registry;
    private final AgroalDataSource dataSource;
    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final Timer attemptDuration;
    private final Timer claimDuration;
    private final Timer writeDuration;
    private final DistributionSummary claimSize;
    private final DistributionSummary writeSize;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<AttemptResult.Kind, Counter> attempts = new EnumMap<>(AttemptResult.Kind.class);
    private final Map<DeliveryStatus, Counter> deliveriesByOutcome = new ConcurrentHashMap<>();
    private volatile QueueStats queueStats = new QueueStats(0, 0, 0, Instant.EPOCH);

    private record QueueStats(long due, double oldestAgeSeconds, long disabledEndpoints, Instant readAt) {
    }

    public DispatcherMetrics(MeterRegistry registry, AgroalDataSource dataSource, DeliveryRepository deliveries,
                             EndpointRepository endpoints) {
        this.registry = registry;
        this.dataSource = dataSource;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.attemptDuration = Timer.builder("tenantry.webhook.attempt.duration")
                .description("Time from the start of a webhook request to its outcome")
                .publishPercentileHistogram().register(registry);
        this.claimDuration = Timer.builder("tenantry.webhook.claim.duration")
                .description("Time to claim a batch of due deliveries (one transaction)").register(registry);
        this.claimSize = DistributionSummary.builder("tenantry.webhook.claim.size")
                .description("Deliveries taken per claim").register(registry);
        this.writeDuration = Timer.builder("tenantry.webhook.outcome.write.duration")
                .description("Time to write a batch of attempt outcomes (one transaction)").register(registry);
        this.writeSize = DistributionSummary.builder("tenantry.webhook.outcome.write.size")
                .description("Attempt outcomes written per transaction").register(registry);
        for (AttemptResult.Kind kind : AttemptResult.Kind.values()) {
            attempts.put(kind, Counter.builder("tenantry.webhook.attempts").description("Webhook requests by outcome")
                    .tag("outcome", kind.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        Gauge.builder("tenantry.webhook.deliveries.due", this, m -> m.queueStats().due())
                .description("Deliveries whose next attempt is due now (queue depth)").register(registry);
        Gauge.builder("tenantry.webhook.deliveries.oldest.due.age", this, m -> m.queueStats().oldestAgeSeconds())
                .description("Seconds the oldest due delivery has been waiting").baseUnit("seconds").register(registry);
        Gauge.builder("tenantry.webhook.endpoints.disabled", this, m -> m.queueStats().disabledEndpoints())
                .description("Webhook endpoints that are disabled").register(registry);
        Gauge.builder("tenantry.webhook.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Webhook requests this instance has in flight").register(registry);
    }

    public void attempt(AttemptResult result) {
        attempts.get(result.kind()).increment();
        attemptDuration.record(result.durationMs(), TimeUnit.MILLISECONDS);
    }

    /** A delivery reached an end state. */
    public void delivery(DeliveryStatus finalStatus) {
        deliveriesByOutcome.computeIfAbsent(finalStatus, status -> Counter.builder("tenantry.webhook.deliveries")
                .description("Deliveries that reached an end state, by outcome")
                .tag("outcome", status.dbValue()).register(registry)).increment();
    }

    public void endpointDisabled(String reason) {
        Counter.builder("tenantry.webhook.endpoints.auto.disabled")
                .description("Endpoints the dispatcher disabled itself, by reason")
                .tag("reason", reason).register(registry).increment();
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

    private QueueStats queueStats() {
        QueueStats current = queueStats;
        if (Duration.between(current.readAt(), Instant.now()).compareTo(QUEUE_STATS_MAX_AGE) < 0) {
            return current;
        }
        synchronized (this) {
            if (queueStats != current) {
                return queueStats;
            }
            try (Connection connection = dataSource.getConnection()) {
                DueStats due = deliveries.dueStats(connection);
                double age = due.oldestDueSince() == null ? 0
                        : Math.max(0, Duration.between(due.oldestDueSince(), Instant.now()).toMillis() / 1000.0);
                queueStats = new QueueStats(due.due(), age, endpoints.countDisabled(connection), Instant.now());
            } catch (SQLException e) {
                LOG.debugf("Could not read queue figures: %s", e.getMessage());
                queueStats = new QueueStats(current.due(), current.oldestAgeSeconds(), current.disabledEndpoints(),
                        Instant.now());
            }
            return queueStats;
        }
    }
}
