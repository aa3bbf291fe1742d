package dev.tenantry.provisioning.service;

import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.repository.OutboxRepository;
import dev.tenantry.provisioning.repository.TenantRepository;
import dev.tenantry.support.persistence.Transactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The service's own meters. Gauges read the database, at most once per second however often they
 * are scraped.
 */
@ApplicationScoped
public class ProvisioningMetrics {

    private static final Logger LOG = Logger.getLogger(ProvisioningMetrics.class);
    private static final Duration CACHE = Duration.ofSeconds(1);
    private static final List<String> COMMAND_TYPES = List.of("CreateTenant", "UpgradeTenant", "DeleteTenant");

    private final Transactions transactions;
    private final TenantRepository tenants;
    private final OutboxRepository outbox;
    private final MeterRegistry registry;
    private final Timer provisioningLatency;
    private final Timer relayDelay;
    private final Counter compensations;
    private final AtomicReference<Cached<Map<TenantStatus, Long>>> statusCounts = new AtomicReference<>();
    private final AtomicReference<Cached<Double>> relayLag = new AtomicReference<>();

    public ProvisioningMetrics(
            MeterRegistry registry, Transactions transactions, TenantRepository tenants, OutboxRepository outbox) {
        this.registry = registry;
        this.transactions = transactions;
        this.tenants = tenants;
        this.outbox = outbox;
        for (TenantStatus status : TenantStatus.values()) {
            Gauge.builder("tenantry.tenants", this, m -> m.countOf(status))
                    .description("Tenants in the registry by saga status")
                    .tag("status", status.name())
                    .register(registry);
        }
        Gauge.builder("tenantry.outbox.relay.lag", this, ProvisioningMetrics::oldestUnrelayedAgeSeconds)
                .description("Age of the oldest outbox row not yet relayed to Kafka")
                .baseUnit("seconds")
                .register(registry);
        provisioningLatency = Timer.builder("tenantry.provisioning.latency")
                .description("From a tenant request to the tenant being ACTIVE")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        relayDelay = Timer.builder("tenantry.outbox.relay.delay")
                .description("From an outbox event's creation to Kafka acknowledging it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        // Shown at zero from the start, not only after the first rejection.
        for (String type : COMMAND_TYPES) {
            rejectedCounter(type);
        }
        compensations = Counter.builder("tenantry.saga.compensations")
                .description("Failed new tenants whose half-made schema was sent for rollback")
                .register(registry);
    }

    public void tenantActivated(Tenant tenant, Instant at) {
        provisioningLatency.record(Duration.between(tenant.createdAt(), at));
    }

    public void compensationStarted() {
        compensations.increment();
    }

    /**
     * @param commandType the command's type as the sender wrote it, possibly garbage from an
     *                    unreadable record: only the known command types become a tag value (each
     *                    distinct tag value is a time series of its own), anything else is "other"
     */
    public void commandRejected(String commandType) {
        rejectedCounter(commandType == null ? "unknown" : COMMAND_TYPES.contains(commandType) ? commandType : "other")
                .increment();
    }

    private Counter rejectedCounter(String commandType) {
        return Counter.builder("tenantry.commands.rejected")
                .description("Tenant commands answered with TenantRequestRejected")
                .tag("type", commandType)
                .register(registry);
    }

    public void eventRelayed(Duration sinceCreation) {
        if (!sinceCreation.isNegative()) {
            relayDelay.record(sinceCreation);
        }
    }

    private double countOf(TenantStatus status) {
        Cached<Map<TenantStatus, Long>> cached = statusCounts.get();
        if (cached == null || cached.isStale()) {
            try {
                cached = new Cached<>(transactions.read(tx -> tenants.countByStatus(tx.connection())), Instant.now());
                statusCounts.set(cached);
            } catch (Exception e) {
                LOG.debugf("Tenant counts unavailable: %s", e.getMessage());
                return Double.NaN;
            }
        }
        return cached.value().getOrDefault(status, 0L);
    }

    private double oldestUnrelayedAgeSeconds() {
        Cached<Double> cached = relayLag.get();
        if (cached == null || cached.isStale()) {
            try {
                cached = new Cached<>(transactions.read(tx -> outbox.oldestAgeSeconds(tx.connection())), Instant.now());
                relayLag.set(cached);
            } catch (Exception e) {
                LOG.debugf("Outbox lag unavailable: %s", e.getMessage());
                return Double.NaN;
            }
        }
        return cached.value();
    }

    private record Cached<T>(T value, Instant at) {
        boolean isStale() {
            return Instant.now().isAfter(at.plus(CACHE));
        }
    }
}
