package dev.tenantry.provisioning.service;

import static dev.tenantry.provisioning.model.TenantStatus.COMPENSATING;
import static dev.tenantry.provisioning.model.TenantStatus.DELETING;
import static dev.tenantry.provisioning.model.TenantStatus.PROVISIONING;
import static dev.tenantry.provisioning.model.TenantStatus.UPGRADING;
import static dev.tenantry.provisioning.service.SagaTransition.ACTIVATE;
import static dev.tenantry.provisioning.service.SagaTransition.COMPENSATE;
import static dev.tenantry.provisioning.service.SagaTransition.FAIL_PROVISIONING;
import static dev.tenantry.provisioning.service.SagaTransition.FAIL_UPGRADE;
import static dev.tenantry.provisioning.service.SagaTransition.FINISH_DELETION;
import static dev.tenantry.provisioning.service.SagaTransition.FINISH_ROLLBACK;
import static dev.tenantry.provisioning.service.SagaTransition.FINISH_UPGRADE;
import static dev.tenantry.provisioning.service.SagaTransition.RECORD_WORKER_UPGRADE;
import static dev.tenantry.provisioning.service.SagaTransition.RECORD_WORKER_UPGRADE_FAILURE;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_DELETION_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_PROVISIONING_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_ROLLBACK_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_UPGRADE_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.START_DELETION;
import static dev.tenantry.provisioning.service.SagaTransition.START_PROVISIONING;
import static dev.tenantry.provisioning.service.SagaTransition.START_UPGRADE;
import static java.time.ZoneOffset.UTC;

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
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The tenant saga's decisions, kept apart from JDBC and Kafka so that every row of the table can
 * be tested on its own: given a tenant as stored and what happened (a request, a migration result,
 * a timeout), the transitions it makes, the registry row after each, the timeline lines and the
 * events to send. {@link TenantSaga} writes a decision; {@link SagaTransition} lists the edges.
 *
 * <p>Results are applied only when they answer the tenant's latest request; anything else is
 * recorded as ignored and moves nothing.
 */
public final class SagaDecisions {

    /** What can happen to a tenant. */
    public sealed interface Input permits Create, Upgrade, Delete, Result, Timeout {}

    /** A new tenant, already recorded as REQUESTED. @param cause the command; null for REST */
    public record Create(EventEnvelope<?> cause) implements Input {}

    /** @param targetVersion null: the latest */
    public record Upgrade(String targetVersion, EventEnvelope<?> cause) implements Input {}

    public record Delete(EventEnvelope<?> cause) implements Input {}

    public record Result(EventEnvelope<?> event) implements Input {}

    /** The tenant's request has gone unanswered for {@code after}; see the stuck-tenant sweep. */
    public record Timeout(Duration after, int maxRequests) implements Input {}

    /** Why a result moves nothing. */
    public enum Ignored {
        /** The worker left the schema alone (another tenant's, or a superseded request). */
        SKIPPED,
        /** It answers a request other than the tenant's latest. */
        STALE,
        /** A second answer after the tenant moved on, or an answer its status does not expect. */
        UNEXPECTED,
        /** The worker upgraded on its own, to nothing later than the registry knows. */
        NOTHING_TO_CHANGE
    }

    /** One line of the tenant's timeline. */
    public record Line(
            String kind, TenantStatus from, TenantStatus to, String eventType, String eventId, String detail) {}

    public record Outgoing(String topic, EventEnvelope<?> envelope) {}

    public record Move(SagaTransition transition, Tenant after, List<Outgoing> events, Line line) {}

    /**
     * @param note    the line recording the input itself (the request, the result, or why it was
     *                ignored); null for a timeout
     * @param ignored why nothing moves; null when the input was applied
     */
    public record Decision(Line note, Ignored ignored, List<Move> moves) {

        /** The tenant after the last move. */
        public Tenant tenant(Tenant before) {
            return moves.isEmpty() ? before : moves.get(moves.size() - 1).after();
        }
    }

    private final URI source;
    private final Clock clock;
    private final Supplier<String> ids;

    /** @param ids new event ids, and correlation ids of workflows started without a command */
    public SagaDecisions(URI source, Clock clock, Supplier<String> ids) {
        this.source = source;
        this.clock = clock;
        this.ids = ids;
    }

    /** @throws IllegalTransitionException when a request is not allowed in the tenant's status */
    public Decision decide(Tenant tenant, Input input) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (input instanceof Create create) {
            EventEnvelope<?> cause = create.cause();
            Line requested = new Line(
                    "requested",
                    null,
                    TenantStatus.REQUESTED,
                    cause == null ? null : cause.type(),
                    cause == null ? null : cause.id(),
                    "slug " + tenant.slug() + (cause == null ? " via REST" : " via command " + cause.id()));
            return new Decision(requested, null, moves(tenant, now, Step.causedBy(cause), START_PROVISIONING));
        } else if (input instanceof Upgrade upgrade) {
            Step step = Step.causedBy(upgrade.cause()).withVersion(upgrade.targetVersion());
            return new Decision(null, null, moves(tenant, now, step, START_UPGRADE));
        } else if (input instanceof Delete delete) {
            return new Decision(null, null, moves(tenant, now, Step.causedBy(delete.cause()), START_DELETION));
        } else if (input instanceof Timeout timeout) {
            return new Decision(null, null, timedOut(tenant, timeout, now));
        }
        EventEnvelope<?> event = ((Result) input).event();
        return result(tenant, event, (MigrationResult) event.data(), now);
    }

    private Decision result(Tenant t, EventEnvelope<?> event, MigrationResult result, Instant now) {
        String skipped = result instanceof TenantRolledBack r
                ? r.skippedReason()
                : result instanceof TenantDeleted d ? d.skippedReason() : null;
        if (skipped != null) {
            return ignored(t, event, Ignored.SKIPPED, "the worker changed nothing: " + skipped);
        }
        if (event.causationId() == null) {
            // Without a causing request: a rollout (drift repair is one) the worker carried out.
            if (result instanceof TenantMigrated m
                    && RECORD_WORKER_UPGRADE.allowedFrom(t.status())
                    && isNewer(m.toVersion(), t.currentVersion())) {
                Step step = Step.causedBy(event).withVersion(m.toVersion());
                return recorded(
                        t, event, describe(m) + " (started by the worker)", moves(t, now, step, RECORD_WORKER_UPGRADE));
            }
            // Only a failure beyond the registry's version: a late copy of an old failure must not
            // mark a tenant failed that has been upgraded since.
            if (result instanceof TenantMigrationFailed f
                    && RECORD_WORKER_UPGRADE_FAILURE.allowedFrom(t.status())
                    && isNewer(f.failedVersion(), t.currentVersion())) {
                Step failed =
                        Step.causedBy(event).withVersion(f.currentVersion()).withFailure(f.failedVersion(), reason(f));
                return recorded(
                        t,
                        event,
                        describe(f) + " (started by the worker)",
                        moves(t, now, failed, RECORD_WORKER_UPGRADE_FAILURE));
            }
            String unchanged = "started by the worker; nothing to change in status " + t.status() + " at version "
                    + t.currentVersion();
            return ignored(t, event, Ignored.NOTHING_TO_CHANGE, unchanged);
        }
        String latest = t.lastRequestId();
        if (!event.causationId().equals(latest)) {
            String stale = "stale: answers request " + event.causationId() + ", the latest request is " + latest;
            return ignored(t, event, Ignored.STALE, stale);
        }
        return answer(t, event, result, now);
    }

    /** An answer to the tenant's latest request, status by status: each outcome next to its compensation. */
    private Decision answer(Tenant t, EventEnvelope<?> event, MigrationResult result, Instant now) {
        Step step = Step.causedBy(event);
        TenantStatus status = t.status();
        if (result instanceof TenantMigrated m && m.kind() == MigrationKind.NEW && status == PROVISIONING) {
            return recorded(t, event, describe(m), moves(t, now, step.withVersion(m.toVersion()), ACTIVATE));
        } else if (result instanceof TenantMigrationFailed f && status == PROVISIONING) {
            // A half-made new tenant must not stay behind: its schema is dropped.
            Step failed = step.withFailure(f.failedVersion(), reason(f));
            return recorded(t, event, describe(f), moves(t, now, failed, FAIL_PROVISIONING, COMPENSATE));
        } else if (result instanceof TenantRolledBack r && status == COMPENSATING) {
            String dropped = "schema " + r.schema() + (r.schemaExisted() ? " dropped" : " was not there");
            return recorded(t, event, dropped, moves(t, now, step, FINISH_ROLLBACK));
        } else if (result instanceof TenantMigrated m && status == UPGRADING) {
            return recorded(t, event, describe(m), moves(t, now, step.withVersion(m.toVersion()), FINISH_UPGRADE));
        } else if (result instanceof TenantMigrationFailed f && status == UPGRADING) {
            // Never compensated: the schema keeps its data at the version it reached.
            Step failed = step.withVersion(f.currentVersion()).withFailure(f.failedVersion(), reason(f));
            return recorded(t, event, describe(f), moves(t, now, failed, FAIL_UPGRADE));
        } else if (result instanceof TenantDeleted d && status == DELETING) {
            String archived = d.archivedSomething()
                    ? "schema " + d.schema() + " archived as " + d.archivedSchema()
                    : "schema " + d.schema() + " was not there; nothing archived (empty archive " + d.archivedSchema()
                            + ")";
            return recorded(t, event, archived, moves(t, now, new Step(event, null, null, null, d), FINISH_DELETION));
        }
        return ignored(t, event, Ignored.UNEXPECTED, "unexpected in status " + status);
    }

    /**
     * A request without an answer: a new tenant or an upgrade is asked for again until it has
     * been requested {@code maxRequests} times, then failed (a new tenant also compensated).
     * Compensation and deletion cannot give up, so they are re-sent until the worker answers;
     * dropping or archiving a schema twice is harmless.
     */
    private List<Move> timedOut(Tenant t, Timeout timeout, Instant now) {
        String unanswered = "no result within " + timeout.after();
        String spent = " result within " + timeout.after() + " after " + t.requestAttempts() + " requests";
        boolean again = t.requestAttempts() < timeout.maxRequests();
        String originally = t.failureReason() == null ? "" : "; originally: " + t.failureReason();
        return switch (t.status()) {
            case PROVISIONING ->
                again
                        ? moves(t, now, Step.because(unanswered), RESEND_PROVISIONING_REQUEST)
                        : moves(t, now, Step.because("No migration" + spent), FAIL_PROVISIONING, COMPENSATE);
            case UPGRADING ->
                again
                        ? moves(t, now, Step.because(unanswered).withVersion(t.targetVersion()), RESEND_UPGRADE_REQUEST)
                        : moves(t, now, Step.because("No upgrade" + spent), FAIL_UPGRADE);
            case COMPENSATING -> moves(t, now, Step.because(unanswered + originally), RESEND_ROLLBACK_REQUEST);
            case DELETING -> moves(t, now, Step.because(unanswered + originally), RESEND_DELETION_REQUEST);
            default -> List.of();
        };
    }

    // ------------------------------------------------------------------ one transition: row, events, line

    /** What a transition needs beyond the tenant: the event that caused it and its facts. */
    private record Step(
            EventEnvelope<?> cause, String version, String failedVersion, String reason, TenantDeleted archive) {

        static Step causedBy(EventEnvelope<?> cause) {
            return new Step(cause, null, null, null, null);
        }

        static Step because(String reason) {
            return new Step(null, null, null, reason, null);
        }

        Step withVersion(String version) {
            return new Step(cause, version, failedVersion, reason, archive);
        }

        Step withFailure(String failedVersion, String reason) {
            return new Step(cause, version, failedVersion, reason, archive);
        }
    }

    private List<Move> moves(Tenant tenant, Instant now, Step step, SagaTransition... transitions) {
        List<Move> moves = new ArrayList<>();
        Tenant before = tenant;
        for (SagaTransition transition : transitions) {
            if (!transition.allowedFrom(before.status())) {
                throw new IllegalTransitionException(before, transition);
            }
            Move move = move(before, transition, step, now);
            moves.add(move);
            before = move.after();
        }
        return moves;
    }

    /** One transition: the registry row's new values and the events it sends (a request first). */
    private Move move(Tenant t, SagaTransition transition, Step step, Instant now) {
        String id = t.idText();
        String slug = t.slug();
        String schema = t.schema();
        String current = t.currentVersion();
        String target = t.targetVersion();
        String failure = t.failureReason();
        int attempts = t.requestAttempts();
        MigrationRequest request = null;
        TenantryEvent lifecycle = null;
        switch (transition) {
            case START_PROVISIONING -> {
                attempts = 1;
                request = new TenantRequested(id, slug, schema, target);
                lifecycle = new TenantProvisioningStarted(id, slug, schema, target);
            }
            case RESEND_PROVISIONING_REQUEST -> {
                attempts++;
                request = new TenantRequested(id, slug, schema, target);
            }
            case ACTIVATE -> {
                current = step.version();
                failure = null;
                lifecycle = new TenantActivated(id, slug, schema, step.version());
            }
            case FAIL_PROVISIONING -> {
                failure = step.reason();
                lifecycle = new TenantProvisioningFailed(id, slug, schema, step.failedVersion(), step.reason());
            }
            case COMPENSATE, RESEND_ROLLBACK_REQUEST ->
                request = new TenantRollbackRequested(id, slug, schema, step.reason());
            case FINISH_ROLLBACK -> {
                // The slug is free again; subscribers already heard TenantProvisioningFailed.
            }
            case START_UPGRADE, RESEND_UPGRADE_REQUEST -> {
                target = transition == START_UPGRADE ? step.version() : target;
                attempts = transition == START_UPGRADE ? 1 : attempts + 1;
                request = new TenantUpgradeRequested(id, slug, schema, step.version());
            }
            case FINISH_UPGRADE, RECORD_WORKER_UPGRADE -> {
                // A worker's report never moves the registry's version backwards.
                current = later(current, step.version());
                failure = null;
                lifecycle = new TenantUpgraded(id, slug, schema, t.currentVersion(), current);
            }
            case FAIL_UPGRADE, RECORD_WORKER_UPGRADE_FAILURE -> {
                current = later(current, step.version());
                failure = step.reason();
                lifecycle = new TenantUpgradeFailed(id, slug, schema, current, step.failedVersion(), step.reason());
            }
            case START_DELETION, RESEND_DELETION_REQUEST -> request = new TenantDeletionRequested(id, slug, schema);
            case FINISH_DELETION -> {
                TenantDeleted archive = step.archive();
                lifecycle = new TenantDeleted(id, schema, archive.archivedSchema(), archive.schemaExisted(), null);
            }
        }
        String correlationId = correlationFor(t, transition, step);
        List<Outgoing> events = new ArrayList<>();
        if (request != null) {
            events.add(new Outgoing(Topics.TENANT_MIGRATION_REQUESTS, envelope(correlationId, step, now, request)));
        }
        if (lifecycle != null) {
            events.add(new Outgoing(Topics.TENANT_LIFECYCLE, envelope(correlationId, step, now, lifecycle)));
        }
        String lastRequestId =
                request == null ? t.lastRequestId() : events.get(0).envelope().id();
        Tenant moved = new Tenant(
                t.id(),
                slug,
                t.displayName(),
                t.plan(),
                t.metadata(),
                transition.to(),
                current,
                target,
                failure,
                lastRequestId,
                correlationId,
                attempts,
                now,
                t.createdAt(),
                now);
        Line line = new Line(
                "transition",
                t.status(),
                moved.status(),
                events.stream().map(e -> e.envelope().eventType().simpleName()).collect(Collectors.joining(",")),
                events.stream().map(e -> e.envelope().id()).collect(Collectors.joining(",")),
                transition.name() + detail(step));
        return new Move(transition, moved, events, line);
    }

    private EventEnvelope<?> envelope(String correlationId, Step step, Instant now, TenantryEvent data) {
        EventEnvelope<?> created =
                EventEnvelope.create(source, data).withId(ids.get()).withTime(now.atOffset(UTC));
        return (step.cause() == null ? created : created.withCausation(step.cause())).withCorrelation(correlationId);
    }

    private String correlationFor(Tenant tenant, SagaTransition transition, Step step) {
        if (!transition.startsWorkflow() || transition == START_PROVISIONING) {
            // A new tenant's correlation id is chosen when it is requested.
            return tenant.correlationId();
        }
        return step.cause() != null ? step.cause().correlationIdOrId() : ids.get();
    }

    private static Decision recorded(Tenant t, EventEnvelope<?> event, String detail, List<Move> moves) {
        return new Decision(line("migration-result", t, event, detail), null, moves);
    }

    private static Decision ignored(Tenant t, EventEnvelope<?> event, Ignored why, String detail) {
        return new Decision(line("result-ignored", t, event, detail), why, List.of());
    }

    private static Line line(String kind, Tenant t, EventEnvelope<?> event, String detail) {
        return new Line(kind, t.status(), null, event.eventType().simpleName(), event.id(), detail);
    }

    /** Whether {@code version} is later than {@code current}; any version is later than none. */
    private static boolean isNewer(String version, String current) {
        return version != null
                && (current == null
                        || MigrationVersion.fromVersion(version).isNewerThan(MigrationVersion.fromVersion(current)));
    }

    private static String later(String current, String reported) {
        return isNewer(reported, current) ? reported : current;
    }

    private static String detail(Step step) {
        return (step.version() == null ? "" : " version=" + step.version())
                + (step.failedVersion() == null ? "" : " failedVersion=" + step.failedVersion())
                + (step.reason() == null ? "" : " reason=" + step.reason())
                + (step.archive() == null
                        ? ""
                        : " archivedSchema=" + step.archive().archivedSchema());
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
}
