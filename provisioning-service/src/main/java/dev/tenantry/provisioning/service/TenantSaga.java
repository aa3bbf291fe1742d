package dev.tenantry.provisioning.service;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.MigrationResult;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.repository.OutboxRepository;
import dev.tenantry.provisioning.repository.TenantRepository;
import dev.tenantry.provisioning.repository.TimelineRepository;
import dev.tenantry.support.messaging.UnsupportedEventException;
import dev.tenantry.support.persistence.ProcessedEvents;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.persistence.Transactions.Tx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Carries out the saga's {@link SagaDecisions} in the caller's transaction: the registry row, the
 * timeline lines and the outbox events of a decision are written together or not at all. Results
 * are applied once per event id. A result for a tenant the registry does not show is retried,
 * never ignored: see {@link TenantNotVisibleException}.
 */
@ApplicationScoped
public class TenantSaga {

    private static final Logger LOG = Logger.getLogger(TenantSaga.class);
    static final String RESULTS_CONSUMER = "provisioning-service:migration-results";

    private final Transactions transactions;
    private final TenantRepository tenants;
    private final TimelineRepository timeline;
    private final OutboxRepository outbox;
    private final ProvisioningMetrics metrics;
    private final ProcessedEvents processed = ProcessedEvents.PROVISIONING;
    private final SagaDecisions decisions;

    public TenantSaga(
            Transactions transactions,
            TenantRepository tenants,
            TimelineRepository timeline,
            OutboxRepository outbox,
            ProvisioningMetrics metrics,
            ProvisioningConfig config) {
        this.transactions = transactions;
        this.tenants = tenants;
        this.timeline = timeline;
        this.outbox = outbox;
        this.metrics = metrics;
        this.decisions = new SagaDecisions(
                URI.create(config.eventSource()),
                Clock.systemUTC(),
                () -> UUID.randomUUID().toString());
    }

    /** Records a new tenant as REQUESTED and starts provisioning it, in the caller's transaction. */
    public Tenant start(Tx tx, Tenant requested, EventEnvelope<?> cause) throws SQLException {
        tenants.insert(tx.connection(), requested);
        return apply(tx, requested, new SagaDecisions.Create(cause));
    }

    /**
     * Decides what {@code input} does to the tenant (locked by the caller) and writes it.
     *
     * @return the tenant as it now is
     * @throws IllegalTransitionException if the tenant's status does not allow a request
     */
    public Tenant apply(Tx tx, Tenant tenant, SagaDecisions.Input input) throws SQLException {
        SagaDecisions.Decision decision = decisions.decide(tenant, input);
        SagaDecisions.Line note = decision.note();
        if (note != null) {
            append(tx, tenant, note);
        }
        if (decision.ignored() != null) {
            LOG.infof(
                    "Ignoring %s %s for tenant %s (%s): %s",
                    note.eventType(), note.eventId(), tenant.id(), tenant.slug(), note.detail());
        }
        for (SagaDecisions.Move move : decision.moves()) {
            Tenant moved = move.after();
            tenants.update(tx.connection(), moved);
            append(tx, tenant, move.line());
            for (SagaDecisions.Outgoing event : move.events()) {
                outbox.append(tx.connection(), event.topic(), event.envelope());
            }
            if (move.transition() == SagaTransition.ACTIVATE) {
                tx.afterCommit(() -> metrics.tenantActivated(moved, moved.statusChangedAt()));
            } else if (move.transition() == SagaTransition.COMPENSATE) {
                tx.afterCommit(metrics::compensationStarted);
            }
            LOG.debugf(
                    "Tenant %s (%s): %s -> %s by %s",
                    tenant.id(), tenant.slug(), move.line().from(), moved.status(), move.transition());
        }
        return decision.tenant(tenant);
    }

    /** Applies one migration result, at most once per event id. */
    public void onResult(EventEnvelope<TenantryEvent> event) throws SQLException {
        if (!(event.data() instanceof MigrationResult result)) {
            throw new UnsupportedEventException(event.type(), RESULTS_CONSUMER);
        }
        transactions.inTransaction(tx -> {
            if (!processed.markProcessed(tx.connection(), RESULTS_CONSUMER, event.id())) {
                LOG.debugf("Result %s already applied; skipping the redelivery", event.id());
                return null;
            }
            Optional<UUID> tenantId = parseId(result.tenantId());
            if (tenantId.isEmpty()) {
                LOG.warnf("Ignoring %s %s: tenant id %s is not a UUID", event.type(), event.id(), result.tenantId());
                return null;
            }
            Optional<Tenant> found = tenants.lockById(tx.connection(), tenantId.get());
            if (found.isEmpty()) {
                // Not proof that there is no such tenant: the request may have been relayed and
                // answered before the commit that recorded the tenant became visible here. Rolled
                // back (the event is not marked processed) and retried; dead-lettered if it never shows.
                throw new TenantNotVisibleException(
                        "No tenant " + result.tenantId() + " (yet) for " + event.type() + " " + event.id());
            }
            apply(tx, found.get(), new SagaDecisions.Result(event));
            return null;
        });
    }

    private void append(Tx tx, Tenant tenant, SagaDecisions.Line line) throws SQLException {
        timeline.append(
                tx.connection(),
                tenant.id(),
                line.kind(),
                line.from(),
                line.to(),
                line.eventType(),
                line.eventId(),
                line.detail());
    }

    private static Optional<UUID> parseId(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
