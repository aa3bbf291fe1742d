package dev.tenantry.worker.rollout;

import dev.tenantry.contracts.events.RolloutCompleted;
import dev.tenantry.contracts.events.RolloutStarted;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.rest.ProblemException;
import dev.tenantry.worker.model.DriftReport;
import dev.tenantry.worker.model.Rollout;
import dev.tenantry.worker.model.RolloutPlan;
import dev.tenantry.worker.model.RolloutRequest;
import dev.tenantry.worker.repository.RolloutRepository;
import dev.tenantry.worker.repository.TenantRegistryRepository;
import dev.tenantry.worker.rollout.RolloutPlanner.Candidate;
import dev.tenantry.worker.service.DriftService;
import dev.tenantry.worker.service.TenantMigrator;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;

/**
 * Creates rollouts and carries out operators' decisions on them. Executing them is {@link
 * RolloutExecutor}'s job, in every worker instance.
 */
@ApplicationScoped
public class RolloutService {

    private static final Logger LOG = Logger.getLogger(RolloutService.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final Transactions transactions;
    private final RolloutRepository rollouts;
    private final DriftService drift;
    private final TenantMigrator migrator;
    private final RolloutExecutor executor;
    private final RolloutEvents events;
    private final TenantRegistryRepository registry;

    public RolloutService(
            Transactions transactions,
            RolloutRepository rollouts,
            DriftService drift,
            TenantMigrator migrator,
            RolloutExecutor executor,
            RolloutEvents events,
            TenantRegistryRepository registry) {
        this.registry = registry;
        this.executor = executor;
        this.events = events;
        this.transactions = transactions;
        this.rollouts = rollouts;
        this.drift = drift;
        this.migrator = migrator;
    }

    /** The plan a request would get now, without creating anything. */
    public RolloutPlan plan(RolloutRequest request) throws SQLException {
        return plan(request, drift.verify(false), false);
    }

    /**
     * Creates the rollout, unless one to the same version is open.
     *
     * @throws ProblemException 409 naming the open rollout, 400 for an invalid request
     */
    public Rollout create(RolloutRequest request, String requestedBy) throws SQLException {
        RolloutPlan plan = plan(request, drift.verify(false), false);
        return insert(plan, requestedBy)
                .orElseThrow(() -> ProblemException.conflict(openRolloutMessage(plan.targetVersion())));
    }

    /**
     * Drift repair ({@code POST /admin/drift/fix}, auto-heal) as a rollout: every tenant behind
     * the latest version in one stage without a failure budget. Tenants whose last migration
     * failed are left out: they need a fixed migration, not a retry at every drift check. Joins
     * the open rollout to the latest version if there is one.
     */
    public Rollout repairFleet(DriftReport report, String requestedBy) throws SQLException {
        if (report.latest() == null) {
            throw ProblemException.conflict("This worker knows no tenant migration");
        }
        Optional<Rollout> open = openFor(report.latest());
        if (open.isPresent()) {
            return open.get();
        }
        RolloutPlan plan = plan(RolloutPlanner.fleetRepair(), report, true);
        Optional<Rollout> created = insert(plan, requestedBy);
        if (created.isPresent()) {
            return created.get();
        }
        // Another worker created it between our look and our insert: join that one.
        return openFor(report.latest())
                .orElseThrow(() -> ProblemException.conflict(openRolloutMessage(report.latest())));
    }

    private Optional<Rollout> openFor(String version) throws SQLException {
        return transactions.read(tx -> {
            Optional<String> id = rollouts.openFor(tx.connection(), version);
            return id.isEmpty() ? Optional.empty() : rollouts.find(tx.connection(), id.get());
        });
    }

    private String openRolloutMessage(String version) {
        try {
            String id = transactions
                    .read(tx -> rollouts.openFor(tx.connection(), version))
                    .orElse("(finished since)");
            return "Rollout " + id + " to version " + version
                    + " is still open (running, paused or halted): abort or finish it first";
        } catch (SQLException e) {
            return "A rollout to version " + version + " is still open";
        }
    }

    private Optional<Rollout> insert(RolloutPlan plan, String requestedBy) throws SQLException {
        String id = "rollout-" + UUID.randomUUID();
        try {
            Rollout rollout = transactions.inTransaction(tx -> {
                rollouts.insert(tx.connection(), id, requestedBy, plan);
                Rollout created = rollouts.find(tx.connection(), id).orElseThrow();
                events.record(
                        tx.connection(),
                        new RolloutStarted(
                                id,
                                plan.targetVersion(),
                                plan.tenantCount(),
                                plan.stages().stream()
                                        .map(RolloutPlan.PlannedStage::name)
                                        .toList(),
                                requestedBy));
                if (Rollout.COMPLETED.equals(created.state())) {
                    events.record(
                            tx.connection(),
                            new RolloutCompleted(
                                    id,
                                    plan.targetVersion(),
                                    0,
                                    0,
                                    created.tenants().skipped()));
                }
                return created;
            });
            LOG.infof(
                    "Rollout %s to version %s: %d tenant(s) in %d stage(s), requested by %s",
                    id, plan.targetVersion(), plan.tenantCount(), plan.stages().size(), requestedBy);
            executor.wake();
            return Optional.of(rollout);
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private RolloutPlan plan(RolloutRequest request, DriftReport report, boolean leaveOutFailing) throws SQLException {
        validate(request);
        String target = request.targetVersion() == null ? report.latest() : request.targetVersion();
        if (target == null) {
            throw ProblemException.conflict("This worker knows no tenant migration");
        }
        if (!migrator.versions().contains(target)) {
            throw ProblemException.invalidField(
                    "targetVersion", "is not one of the tenant migrations this worker knows: " + migrator.versions());
        }
        Set<String> failing = new HashSet<>();
        if (leaveOutFailing) {
            report.failed().forEach(f -> failing.add(f.schema()));
        }
        MigrationVersion wanted = MigrationVersion.fromVersion(target);
        List<Candidate> candidates = new ArrayList<>();
        for (DriftReport.Behind behind : report.behind()) {
            if (isBelow(behind.current(), wanted) && !failing.contains(behind.schema())) {
                candidates.add(new Candidate(behind.tenant(), behind.schema(), behind.current(), null));
            }
        }
        for (DriftReport.Pinned pinned : report.pinned()) {
            if (isBelow(pinned.current(), wanted) && !failing.contains(pinned.schema())) {
                candidates.add(
                        new Candidate(pinned.tenant(), pinned.schema(), pinned.current(), pinned.pinnedVersion()));
            }
        }
        if (selectsByRegistry(request)) {
            candidates = withRegistryEntries(candidates);
        }
        return RolloutPlanner.plan(
                request, target, candidates, transactions.read(tx -> rollouts.averageUpgradeMs(tx.connection())));
    }

    private static boolean selectsByRegistry(RolloutRequest request) {
        return (request.plans() != null && !request.plans().isEmpty())
                || (request.metadata() != null && !request.metadata().isEmpty());
    }

    private List<Candidate> withRegistryEntries(List<Candidate> candidates) throws SQLException {
        Map<String, TenantRegistryRepository.RegistryEntry> entries = transactions
                .read(tx -> registry.entries(
                        tx.connection(),
                        candidates.stream().map(Candidate::tenant).toList()))
                .orElseThrow(() -> ProblemException.conflict("Selecting tenants by plan or metadata needs the"
                        + " provisioning service's tenant registry, and this database has none"));
        return candidates.stream()
                .map(candidate -> {
                    TenantRegistryRepository.RegistryEntry entry = entries.get(candidate.tenant());
                    return entry == null ? candidate : candidate.withRegistryEntry(entry.plan(), entry.metadata());
                })
                .toList();
    }

    private static boolean isBelow(String current, MigrationVersion wanted) {
        return current == null || wanted.isNewerThan(MigrationVersion.fromVersion(current));
    }

    private static void validate(RolloutRequest request) {
        if (request.plans() != null && request.plans().stream().anyMatch(p -> p == null || p.isBlank())) {
            throw ProblemException.invalidField("plans", "must not contain an empty plan");
        }
        if (request.metadata() != null
                && request.metadata().entrySet().stream()
                        .anyMatch(e -> e.getKey().isBlank() || e.getValue() == null)) {
            throw ProblemException.invalidField("metadata", "keys must not be empty and values not null");
        }
        if (request.stages() == null) {
            return;
        }
        for (int i = 0; i < request.stages().size(); i++) {
            RolloutRequest.Stage stage = request.stages().get(i);
            String field = "stages[" + i + "]";
            if (stage == null) {
                throw ProblemException.invalidField(field, "must not be null");
            }
            if (stage.size() != null && stage.size() < 0) {
                throw ProblemException.invalidField(field + ".size", "must not be negative");
            }
            if (stage.percent() != null && (stage.percent() <= 0 || stage.percent() > 100)) {
                throw ProblemException.invalidField(field + ".percent", "must be above 0 and at most 100");
            }
            if (stage.parallelism() != null && (stage.parallelism() < 1 || stage.parallelism() > 1_000)) {
                throw ProblemException.invalidField(field + ".parallelism", "must be between 1 and 1000");
            }
            if (stage.maxFailures() != null && stage.maxFailures() < 0) {
                throw ProblemException.invalidField(field + ".maxFailures", "must not be negative");
            }
            if (stage.maxFailedPercent() != null && (stage.maxFailedPercent() < 0 || stage.maxFailedPercent() > 100)) {
                throw ProblemException.invalidField(field + ".maxFailedPercent", "must be between 0 and 100");
            }
            if (stage.pauseAfterSeconds() != null && stage.pauseAfterSeconds() < 0) {
                throw ProblemException.invalidField(field + ".pauseAfterSeconds", "must not be negative");
            }
        }
    }

    public Optional<Rollout> find(String id) throws SQLException {
        return transactions.read(tx -> rollouts.find(tx.connection(), id));
    }

    /** The newest rollouts first. */
    public List<Rollout> recent(int limit) throws SQLException {
        return transactions.read(tx -> {
            List<Rollout> found = new ArrayList<>();
            for (String id : rollouts.recentIds(tx.connection(), limit)) {
                rollouts.find(tx.connection(), id).ifPresent(found::add);
            }
            return found;
        });
    }

    /** Stops claiming tenants; those running finish. */
    public Rollout pause(String id, String by) throws SQLException {
        return change(id, Set.of(Rollout.RUNNING), Rollout.PAUSED, "paused by " + by);
    }

    /** Goes on after a pause, a gate or a halt. */
    public Rollout resume(String id) throws SQLException {
        return change(id, Set.of(Rollout.PAUSED, Rollout.HALTED), Rollout.RUNNING, null);
    }

    /** Ends the rollout: tenants running finish, no more start. */
    public Rollout abort(String id, String by) throws SQLException {
        return change(id, Set.of(Rollout.RUNNING, Rollout.PAUSED, Rollout.HALTED), Rollout.ABORTED, "aborted by " + by);
    }

    /** Claims the failed tenants again, from the earliest stage that had one; the rollout runs. */
    public Rollout retryFailed(String id) throws SQLException {
        try {
            return transactions.inTransaction(tx -> {
                RolloutRepository.Head head = rollouts.lock(tx.connection(), id)
                        .orElseThrow(() -> ProblemException.notFound("No rollout " + id));
                if (Rollout.ABORTED.equals(head.state())) {
                    throw ProblemException.conflict("Rollout " + id + " was aborted: create a new one");
                }
                if (rollouts.retryFailed(tx.connection(), id) == 0) {
                    throw ProblemException.conflict("Rollout " + id + " has no failed tenant to retry");
                }
                rollouts.setState(tx.connection(), id, Rollout.RUNNING, null);
                tx.afterCommit(executor::wake);
                return rollouts.find(tx.connection(), id).orElseThrow();
            });
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw ProblemException.conflict(
                        "Another rollout to the same version is open: finish or abort it first");
            }
            throw e;
        }
    }

    private Rollout change(String id, Set<String> from, String to, String reason) throws SQLException {
        Rollout rollout = transactions.inTransaction(tx -> {
            RolloutRepository.Head head =
                    rollouts.lock(tx.connection(), id).orElseThrow(() -> ProblemException.notFound("No rollout " + id));
            if (!from.contains(head.state())) {
                throw ProblemException.conflict("Rollout " + id + " is " + head.state() + "; only a rollout that is "
                        + String.join(" or ", from.stream().sorted().toList()) + " can become " + to);
            }
            rollouts.setState(tx.connection(), id, to, reason);
            if (Rollout.RUNNING.equals(to)) {
                tx.afterCommit(executor::wake);
            }
            return rollouts.find(tx.connection(), id).orElseThrow();
        });
        LOG.infof("Rollout %s is %s%s", id, to, reason == null ? "" : " (" + reason + ")");
        return rollout;
    }
}
