package dev.tenantry.provisioning.service;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.MigrationRequest;
import dev.tenantry.contracts.events.MigrationResult;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantProvisioningFailed;
import dev.tenantry.contracts.events.TenantProvisioningStarted;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantUpgradeFailed;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.contracts.events.TenantUpgraded;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.model.WorkerProgress;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;

/**
 * The tenant saga's orchestrator. Applies {@link SagaTransition}s (registry row, timeline line and
 * outbox events in the caller's transaction) and decides which transition a migration result
 * means. Results are applied once per event id, and only when they answer the tenant's latest
 * request; anything else is written to the timeline as ignored and logged. A result for a tenant
 * the registry does not show is retried, never ignored: see {@link TenantNotVisibleException}.
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
    private final ProcessedEvents processed = new ProcessedEvents("provisioning_processed_event");
    private final URI source;

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
        this.source = URI.create(config.eventSource());
    }

    /**
     * What a transition needs beyond the tenant: the event that caused it and its facts.
     *
     * @param schemaExisted for a deletion: false when the worker found no schema to archive
     */
    public record Step(
            EventEnvelope<?> cause,
            String version,
            String failedVersion,
            String reason,
            String archivedSchema,
            Boolean schemaExisted) {

        public Step(
                EventEnvelope<?> cause, String version, String failedVersion, String reason, String archivedSchema) {
            this(cause, version, failedVersion, reason, archivedSchema, null);
        }

        public static Step causedBy(EventEnvelope<?> cause) {
            return new Step(cause, null, null, null, null);
        }

        public Step withVersion(String version) {
            return new Step(cause, version, failedVersion, reason, archivedSchema, schemaExisted);
        }

        public Step withFailure(String failedVersion, String reason) {
            return new Step(cause, version, failedVersion, reason, archivedSchema, schemaExisted);
        }

        public Step withArchive(TenantDeleted deleted) {
            return new Step(cause, version, failedVersion, reason, deleted.archivedSchema(), deleted.schemaExisted());
        }
    }

    /** Records a new tenant as REQUESTED and starts provisioning it, in the caller's transaction. */
    public Tenant start(Tx tx, Tenant requested, EventEnvelope<?> cause) throws SQLException {
        tenants.insert(tx.connection(), requested);
        timeline.append(
                tx.connection(),
                requested.id(),
                "requested",
                null,
                TenantStatus.REQUESTED,
                cause == null ? null : cause.type(),
                cause == null ? null : cause.id(),
                "slug " + requested.slug() + (cause == null ? " via REST" : " via command " + cause.id()));
        return apply(tx, requested, SagaTransition.START_PROVISIONING, Step.causedBy(cause));
    }

    /**
     * Moves the tenant (locked by the caller) along {@code transition}: updates the registry row,
     * appends the timeline line and writes the transition's events to the outbox.
     *
     * @throws IllegalTransitionException if the tenant's status does not allow it
     */
    public Tenant apply(Tx tx, Tenant tenant, SagaTransition transition, Step step) throws SQLException {
        if (!transition.allowedFrom(tenant.status())) {
            throw new IllegalTransitionException(tenant, transition);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String correlationId = correlationFor(tenant, transition, step);
        Tenant moved = moved(tenant, transition, step, correlationId, now);
        List<Outgoing> events = eventsFor(transition, moved, tenant, step);
        for (Outgoing event : events) {
            if (event.envelope().data() instanceof MigrationRequest) {
                moved = withLastRequest(moved, event.envelope().id());
            }
        }
        tenants.update(tx.connection(), moved);
        timeline.append(
                tx.connection(),
                tenant.id(),
                "transition",
                tenant.status(),
                moved.status(),
                events.stream().map(e -> e.envelope().eventType().simpleName()).collect(Collectors.joining(",")),
                events.stream().map(e -> e.envelope().id()).collect(Collectors.joining(",")),
                transition.name() + detail(step));
        for (Outgoing event : events) {
            outbox.append(tx.connection(), event.topic(), event.envelope());
        }
        Tenant committed = moved;
        if (transition == SagaTransition.ACTIVATE) {
            tx.afterCommit(() -> metrics.tenantActivated(committed, now));
        } else if (transition == SagaTransition.COMPENSATE) {
            tx.afterCommit(metrics::compensationStarted);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debugf(
                    "Tenant %s (%s): %s -> %s by %s",
                    tenant.id(), tenant.slug(), tenant.status(), moved.status(), transition);
        }
        return moved;
    }

    // ------------------------------------------------------------------ migration results

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
            Tenant tenant = found.get();
            Optional<String> skipped = skippedReason(result);
            if (skipped.isPresent()) {
                // The worker left the schema alone (another tenant's, or a superseded request):
                // nothing happened to this tenant, so it does not move.
                ignore(tx, tenant, event, "the worker changed nothing: " + skipped.get());
            } else if (event.causationId() == null) {
                applyWorkerInitiated(tx, tenant, event, result);
            } else if (!event.causationId().equals(tenant.lastRequestId())) {
                ignore(
                        tx,
                        tenant,
                        event,
                        "stale: answers request " + event.causationId() + ", the latest request is "
                                + tenant.lastRequestId());
            } else {
                applyAnswer(tx, tenant, event, result);
            }
            return null;
        });
    }

    private void applyAnswer(Tx tx, Tenant tenant, EventEnvelope<?> event, MigrationResult result) throws SQLException {
        Step step = Step.causedBy(event);
        TenantStatus status = tenant.status();
        if (result instanceof TenantMigrated m
                && m.kind() == MigrationKind.NEW
                && status == TenantStatus.PROVISIONING) {
            recordResult(tx, tenant, event, describe(m));
            apply(tx, tenant, SagaTransition.ACTIVATE, step.withVersion(m.toVersion()));
        } else if (result instanceof TenantMigrated m && status == TenantStatus.UPGRADING) {
            recordResult(tx, tenant, event, describe(m));
            apply(tx, tenant, SagaTransition.FINISH_UPGRADE, step.withVersion(m.toVersion()));
        } else if (result instanceof TenantMigrationFailed f && status == TenantStatus.PROVISIONING) {
            recordResult(tx, tenant, event, describe(f));
            String reason = reason(f);
            Tenant failed =
                    apply(tx, tenant, SagaTransition.FAIL_PROVISIONING, step.withFailure(f.failedVersion(), reason));
            apply(tx, failed, SagaTransition.COMPENSATE, step.withFailure(f.failedVersion(), reason));
        } else if (result instanceof TenantMigrationFailed f && status == TenantStatus.UPGRADING) {
            recordResult(tx, tenant, event, describe(f));
            apply(
                    tx,
                    tenant,
                    SagaTransition.FAIL_UPGRADE,
                    step.withVersion(f.currentVersion()).withFailure(f.failedVersion(), reason(f)));
        } else if (result instanceof TenantRolledBack r && status == TenantStatus.COMPENSATING) {
            recordResult(
                    tx, tenant, event, "schema " + r.schema() + (r.schemaExisted() ? " dropped" : " was not there"));
            apply(tx, tenant, SagaTransition.FINISH_ROLLBACK, step);
        } else if (result instanceof TenantDeleted d && status == TenantStatus.DELETING) {
            recordResult(
                    tx,
                    tenant,
                    event,
                    d.archivedSomething()
                            ? "schema " + d.schema() + " archived as " + d.archivedSchema()
                            : "schema " + d.schema() + " was not there; nothing archived (empty archive "
                                    + d.archivedSchema() + ")");
            apply(tx, tenant, SagaTransition.FINISH_DELETION, step.withArchive(d));
        } else {
            ignore(tx, tenant, event, "unexpected in status " + status);
        }
    }

    /** Results without a causing request come from the worker's own fleet upgrades (drift repair). */
    private void applyWorkerInitiated(Tx tx, Tenant tenant, EventEnvelope<?> event, MigrationResult result)
            throws SQLException {
        if (result instanceof TenantMigrated m
                && tenant.status() == TenantStatus.ACTIVE
                && isNewer(m.toVersion(), tenant.currentVersion())) {
            recordResult(tx, tenant, event, describe(m) + " (started by the worker)");
            apply(
                    tx,
                    tenant,
                    SagaTransition.RECORD_WORKER_UPGRADE,
                    Step.causedBy(event).withVersion(m.toVersion()));
        } else {
            ignore(
                    tx,
                    tenant,
                    event,
                    "started by the worker; nothing to change in status " + tenant.status() + " at version "
                            + tenant.currentVersion());
        }
    }

    private static Optional<String> skippedReason(MigrationResult result) {
        if (result instanceof TenantRolledBack r && r.skipped()) {
            return Optional.of(r.skippedReason());
        }
        if (result instanceof TenantDeleted d && d.skipped()) {
            return Optional.of(d.skippedReason());
        }
        return Optional.empty();
    }

    /** Whether {@code version} is later than {@code current}; any version is later than none. */
    static boolean isNewer(String version, String current) {
        if (version == null) {
            return false;
        }
        return current == null
                || MigrationVersion.fromVersion(version).isNewerThan(MigrationVersion.fromVersion(current));
    }

    /** The later of two versions: a worker's report never moves the registry's version backwards. */
    static String later(String current, String reported) {
        return isNewer(reported, current) ? reported : current;
    }

    private void recordResult(Tx tx, Tenant tenant, EventEnvelope<?> event, String detail) throws SQLException {
        timeline.append(
                tx.connection(),
                tenant.id(),
                "migration-result",
                tenant.status(),
                null,
                event.eventType().simpleName(),
                event.id(),
                detail);
    }

    private void ignore(Tx tx, Tenant tenant, EventEnvelope<?> event, String why) throws SQLException {
        LOG.infof(
                "Ignoring %s %s for tenant %s (%s): %s",
                event.eventType().simpleName(), event.id(), tenant.id(), tenant.slug(), why);
        timeline.append(
                tx.connection(),
                tenant.id(),
                "result-ignored",
                tenant.status(),
                null,
                event.eventType().simpleName(),
                event.id(),
                why);
    }

    // ------------------------------------------------------------------ stuck provisioning

    /**
     * Tenants PROVISIONING whose request counts as unanswered after {@code timeout} (see
     * {@link WorkerProgress}): each is asked for again until it has been requested
     * {@code maxRequests} times, then failed and compensated. UPGRADING ones are treated alike
     * after {@code upgradeTimeout} (failed, never compensated); COMPENSATING and DELETING ones have
     * their request re-sent. A tenant still queued behind others the worker is answering is left
     * alone however long it has waited.
     *
     * @return how many tenants were moved
     */
    public int sweepStuck(java.time.Duration timeout, java.time.Duration upgradeTimeout, int maxRequests)
            throws SQLException {
        return transactions.inTransaction(tx -> {
            Instant now = Instant.now();
            Optional<Instant> unanswered = unansweredBefore(tx, now, timeout);
            List<Tenant> stuck = waiting(tx, TenantStatus.PROVISIONING, unanswered);
            for (Tenant tenant : stuck) {
                if (tenant.requestAttempts() < maxRequests) {
                    LOG.warnf(
                            "Tenant %s (%s) has had no migration result for %s; requesting it again",
                            tenant.id(), tenant.slug(), timeout);
                    apply(
                            tx,
                            tenant,
                            SagaTransition.RESEND_PROVISIONING_REQUEST,
                            new Step(null, null, null, "no result within " + timeout, null));
                } else {
                    String reason = "No migration result within " + timeout + " after " + tenant.requestAttempts()
                            + " requests";
                    LOG.warnf("Tenant %s (%s): %s; failing and compensating", tenant.id(), tenant.slug(), reason);
                    Step step = new Step(null, null, null, reason, null);
                    Tenant failed = apply(tx, tenant, SagaTransition.FAIL_PROVISIONING, step);
                    apply(tx, failed, SagaTransition.COMPENSATE, step);
                }
            }
            return stuck.size()
                    + sweepUpgrading(tx, unansweredBefore(tx, now, upgradeTimeout), upgradeTimeout, maxRequests)
                    + resendStuck(
                            tx, TenantStatus.COMPENSATING, SagaTransition.RESEND_ROLLBACK_REQUEST, unanswered, timeout)
                    + resendStuck(
                            tx, TenantStatus.DELETING, SagaTransition.RESEND_DELETION_REQUEST, unanswered, timeout);
        });
    }

    private Optional<Instant> unansweredBefore(Tx tx, Instant now, java.time.Duration timeout) throws SQLException {
        return tenants.workerProgressSince(tx.connection(), now.minus(timeout)).unansweredBefore(now, timeout);
    }

    private List<Tenant> waiting(Tx tx, TenantStatus status, Optional<Instant> unansweredBefore) throws SQLException {
        if (unansweredBefore.isEmpty()) {
            return List.of();
        }
        return tenants.lockWaitingSince(tx.connection(), status, unansweredBefore.get(), 50);
    }

    /**
     * Upgrades with no answer (a request or result lost to an outage, or dead-lettered): asked for
     * again up to {@code maxRequests} times, then failed. UPGRADE_FAILED keeps the version the
     * registry last knew and allows a retry or a deletion.
     */
    private int sweepUpgrading(Tx tx, Optional<Instant> unanswered, java.time.Duration timeout, int maxRequests)
            throws SQLException {
        List<Tenant> stuck = waiting(tx, TenantStatus.UPGRADING, unanswered);
        for (Tenant tenant : stuck) {
            if (tenant.requestAttempts() < maxRequests) {
                LOG.warnf(
                        "Tenant %s (%s) has had no upgrade result for %s; requesting it again",
                        tenant.id(), tenant.slug(), timeout);
                apply(
                        tx,
                        tenant,
                        SagaTransition.RESEND_UPGRADE_REQUEST,
                        new Step(null, tenant.targetVersion(), null, "no result within " + timeout, null));
            } else {
                String reason =
                        "No upgrade result within " + timeout + " after " + tenant.requestAttempts() + " requests";
                LOG.warnf("Tenant %s (%s): %s; failing the upgrade", tenant.id(), tenant.slug(), reason);
                apply(tx, tenant, SagaTransition.FAIL_UPGRADE, new Step(null, null, null, reason, null));
            }
        }
        return stuck.size();
    }

    /**
     * Compensation and deletion have no way to give up: they are re-sent until the worker answers.
     * The re-sent request's result is the one awaited; an answer to an earlier copy is stale.
     */
    private int resendStuck(
            Tx tx, TenantStatus status, SagaTransition resend, Optional<Instant> unanswered, java.time.Duration timeout)
            throws SQLException {
        List<Tenant> stuck = waiting(tx, status, unanswered);
        for (Tenant tenant : stuck) {
            LOG.warnf(
                    "Tenant %s (%s) has been %s for over %s without an answer; requesting it again",
                    tenant.id(), tenant.slug(), status, timeout);
            String reason = "no result within " + timeout
                    + (tenant.failureReason() == null ? "" : "; originally: " + tenant.failureReason());
            apply(tx, tenant, resend, new Step(null, null, null, reason, null));
        }
        return stuck.size();
    }

    // ------------------------------------------------------------------ the events of each transition

    private record Outgoing(String topic, EventEnvelope<?> envelope) {}

    private List<Outgoing> eventsFor(SagaTransition transition, Tenant t, Tenant before, Step step) {
        String id = t.idText();
        String schema = t.schema();
        List<Outgoing> events = new ArrayList<>();
        switch (transition) {
            case START_PROVISIONING -> {
                events.add(request(t, step, new TenantRequested(id, t.slug(), schema, t.targetVersion())));
                events.add(lifecycle(t, step, new TenantProvisioningStarted(id, t.slug(), schema, t.targetVersion())));
            }
            case RESEND_PROVISIONING_REQUEST ->
                events.add(request(t, step, new TenantRequested(id, t.slug(), schema, t.targetVersion())));
            case ACTIVATE -> events.add(lifecycle(t, step, new TenantActivated(id, t.slug(), schema, step.version())));
            case FAIL_PROVISIONING ->
                events.add(lifecycle(
                        t,
                        step,
                        new TenantProvisioningFailed(id, t.slug(), schema, step.failedVersion(), step.reason())));
            case COMPENSATE, RESEND_ROLLBACK_REQUEST ->
                events.add(request(t, step, new TenantRollbackRequested(id, t.slug(), schema, step.reason())));
            case FINISH_ROLLBACK -> {
                // The slug is free again; subscribers already heard TenantProvisioningFailed.
            }
            case START_UPGRADE, RESEND_UPGRADE_REQUEST ->
                events.add(request(t, step, new TenantUpgradeRequested(id, t.slug(), schema, step.version())));
            case FINISH_UPGRADE, RECORD_WORKER_UPGRADE ->
                events.add(lifecycle(
                        t,
                        step,
                        new TenantUpgraded(id, t.slug(), schema, before.currentVersion(), t.currentVersion())));
            case FAIL_UPGRADE ->
                events.add(lifecycle(
                        t,
                        step,
                        new TenantUpgradeFailed(
                                id, t.slug(), schema, t.currentVersion(), step.failedVersion(), step.reason())));
            case START_DELETION, RESEND_DELETION_REQUEST ->
                events.add(request(t, step, new TenantDeletionRequested(id, t.slug(), schema)));
            case FINISH_DELETION ->
                events.add(lifecycle(
                        t, step, new TenantDeleted(id, schema, step.archivedSchema(), step.schemaExisted(), null)));
        }
        return events;
    }

    private Outgoing request(Tenant tenant, Step step, TenantryEvent data) {
        return new Outgoing(Topics.TENANT_MIGRATION_REQUESTS, envelope(tenant, step, data));
    }

    private Outgoing lifecycle(Tenant tenant, Step step, TenantryEvent data) {
        return new Outgoing(Topics.TENANT_LIFECYCLE, envelope(tenant, step, data));
    }

    private EventEnvelope<?> envelope(Tenant tenant, Step step, TenantryEvent data) {
        EventEnvelope<?> envelope = EventEnvelope.create(source, data);
        if (step.cause() != null) {
            envelope = envelope.withCausation(step.cause());
        }
        return envelope.withCorrelation(tenant.correlationId());
    }

    // ------------------------------------------------------------------ registry row of each transition

    private static Tenant moved(Tenant t, SagaTransition transition, Step step, String correlationId, Instant now) {
        String current = t.currentVersion();
        String target = t.targetVersion();
        String failure = t.failureReason();
        int attempts = t.requestAttempts();
        switch (transition) {
            case START_PROVISIONING -> attempts = 1;
            case RESEND_PROVISIONING_REQUEST -> attempts = attempts + 1;
            case ACTIVATE -> {
                current = step.version();
                failure = null;
            }
            case FINISH_UPGRADE, RECORD_WORKER_UPGRADE -> {
                current = later(current, step.version());
                failure = null;
            }
            case FAIL_PROVISIONING -> failure = step.reason();
            case START_UPGRADE -> {
                target = step.version();
                attempts = 1;
            }
            case RESEND_UPGRADE_REQUEST -> attempts = attempts + 1;
            case FAIL_UPGRADE -> {
                current = later(current, step.version());
                failure = step.reason();
            }
            default -> {
                // status only
            }
        }
        return new Tenant(
                t.id(),
                t.slug(),
                t.displayName(),
                t.plan(),
                t.metadata(),
                transition.to(),
                current,
                target,
                failure,
                t.lastRequestId(),
                correlationId,
                attempts,
                now,
                t.createdAt(),
                now);
    }

    private static Tenant withLastRequest(Tenant t, String requestId) {
        return new Tenant(
                t.id(),
                t.slug(),
                t.displayName(),
                t.plan(),
                t.metadata(),
                t.status(),
                t.currentVersion(),
                t.targetVersion(),
                t.failureReason(),
                requestId,
                t.correlationId(),
                t.requestAttempts(),
                t.statusChangedAt(),
                t.createdAt(),
                t.updatedAt());
    }

    private static String correlationFor(Tenant tenant, SagaTransition transition, Step step) {
        if (!transition.startsWorkflow() || transition == SagaTransition.START_PROVISIONING) {
            // A new tenant's correlation id is chosen when it is requested.
            return tenant.correlationId();
        }
        return step.cause() != null
                ? step.cause().correlationIdOrId()
                : UUID.randomUUID().toString();
    }

    private static String detail(Step step) {
        StringBuilder detail = new StringBuilder();
        if (step.version() != null) {
            detail.append(" version=").append(step.version());
        }
        if (step.failedVersion() != null) {
            detail.append(" failedVersion=").append(step.failedVersion());
        }
        if (step.reason() != null) {
            detail.append(" reason=").append(step.reason());
        }
        if (step.archivedSchema() != null) {
            detail.append(" archivedSchema=").append(step.archivedSchema());
        }
        return detail.toString();
    }

    private static String describe(TenantMigrated m) {
        return m.kind().wireName() + " migration " + (m.fromVersion() == null ? "(none)" : m.fromVersion()) + " -> "
                + m.toVersion() + ", " + m.appliedCount() + " applied in " + m.durationMs() + " ms";
    }

    private static String describe(TenantMigrationFailed f) {
        return f.kind().wireName() + " migration failed at " + f.failedVersion() + " (" + f.errorCode() + "): "
                + f.message();
    }

    private static String reason(TenantMigrationFailed f) {
        return f.errorCode() + (f.failedVersion() == null ? "" : " at version " + f.failedVersion()) + ": "
                + f.message();
    }

    private static Optional<UUID> parseId(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
