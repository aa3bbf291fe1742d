package dev.tenantry.worker.rollout;

import dev.tenantry.contracts.events.RolloutCompleted;
import dev.tenantry.contracts.events.RolloutHalted;
import dev.tenantry.contracts.events.RolloutStageCompleted;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.scheduling.BackgroundTasks;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationRun;
import dev.tenantry.worker.model.Rollout;
import dev.tenantry.worker.repository.RolloutRepository;
import dev.tenantry.worker.repository.RolloutRepository.Claim;
import dev.tenantry.worker.repository.RolloutRepository.Head;
import dev.tenantry.worker.repository.RolloutRepository.StageRow;
import dev.tenantry.worker.service.TenantMigrationService;
import dev.tenantry.worker.service.TenantMigrator;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Every worker instance's share of the rollouts: at each poll it renews the leases on the tenants
 * it is migrating, judges the current stage of each running rollout (halt, next stage, gate,
 * complete), and keeps up to {@code tenantry.worker.drift.fleet-parallelism} loops that claim a
 * tenant, migrate it and record the outcome, until nothing is left to claim.
 *
 * <p>Nothing of a rollout lives in this process: a worker that dies leaves claims whose leases
 * run out, and any instance (this one after a restart included) claims those tenants again. The
 * per-schema advisory lock still guards each migration, so a tenant taken over while its first
 * claimant was only slow is migrated once and found up to date the second time.
 */
@ApplicationScoped
public class RolloutExecutor {

    private static final Logger LOG = Logger.getLogger(RolloutExecutor.class);

    private final AgroalDataSource dataSource;
    private final RolloutRepository rollouts;
    private final TenantMigrationService migrations;
    private final TenantMigrator migrator;
    private final RolloutMetrics metrics;
    private final RolloutEvents events;
    private final WorkerConfig.Rollouts config;
    private final int capacity;
    private final String worker = "worker-" + ProcessHandle.current().pid() + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    private final Set<Claim> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger loops = new AtomicInteger();
    private volatile boolean stopping;
    private boolean metricsSettled;
    private ScheduledExecutorService scheduler;
    private ExecutorService pool;

    public RolloutExecutor(
            AgroalDataSource dataSource,
            RolloutRepository rollouts,
            TenantMigrationService migrations,
            TenantMigrator migrator,
            RolloutMetrics metrics,
            RolloutEvents events,
            WorkerConfig config) {
        this.metrics = metrics;
        this.events = events;
        this.dataSource = dataSource;
        this.rollouts = rollouts;
        this.migrations = migrations;
        this.migrator = migrator;
        this.config = config.rollouts();
        this.capacity = config.drift().fleetParallelism();
    }

    void onStart(@Observes StartupEvent start) {
        scheduler = BackgroundTasks.scheduler("rollout-poll");
        pool = BackgroundTasks.pool("rollout", capacity);
        long every = config.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        stopping = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (pool != null) {
            // No interrupt: a migration cut short would be recorded as failed. Whatever is still
            // running when the process ends is claimed again after its lease.
            pool.shutdown();
            try {
                pool.awaitTermination(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** This instance's name in the claims it holds. */
    public String workerName() {
        return worker;
    }

    void poll() {
        try {
            renewLeases();
            judgeRunning();
            publishEvents();
            List<String> running = Transactions.inTransaction(dataSource, tx -> rollouts.runningIds(tx.connection()));
            // Figures change only while something runs; one last refresh shows how it ended.
            if (!running.isEmpty() || !metricsSettled) {
                refreshMetrics();
                metricsSettled = running.isEmpty();
            }
            if (!running.isEmpty()) {
                while (!stopping && loops.get() < capacity) {
                    loops.incrementAndGet();
                    pool.execute(this::claimAndMigrate);
                }
            }
        } catch (Exception e) {
            LOG.warnf("Rollout poll failed, will try again at the next one: %s", e.getMessage());
        }
    }

    /**
     * Events wait in their outbox while they cannot be sent (Kafka down, or a row nobody can read):
     * the rollouts themselves go on.
     */
    private void publishEvents() {
        try {
            events.publishPending();
        } catch (Exception e) {
            LOG.warnf("Rollout events not published, will try again at the next poll: %s", e.getMessage());
        }
    }

    /** The five newest rollouts, whatever their state: a finished one's figures stay visible for a while. */
    private void refreshMetrics() throws SQLException {
        metrics.refresh(Transactions.inTransaction(dataSource, tx -> {
            List<Rollout> recent = new java.util.ArrayList<>();
            for (String id : rollouts.recentIds(tx.connection(), 5)) {
                rollouts.find(tx.connection(), id).ifPresent(recent::add);
            }
            return recent;
        }));
    }

    private void renewLeases() throws SQLException {
        if (!inFlight.isEmpty()) {
            Transactions.inTransaction(dataSource, tx -> {
                rollouts.renew(tx.connection(), worker, List.copyOf(inFlight), config.lease());
                return null;
            });
        }
    }

    private void claimAndMigrate() {
        try {
            while (!stopping) {
                Optional<Claim> claim = claimNext();
                if (claim.isEmpty()) {
                    // Nothing left to claim: the stage may be over. Judge it now rather than at the
                    // next poll, and go on at once if that opened the next stage.
                    judgeRunning();
                    claim = claimNext();
                    if (claim.isEmpty()) {
                        return;
                    }
                }
                migrate(claim.get());
            }
        } catch (Exception e) {
            LOG.warnf("Rollout work stopped until the next poll: %s", e.getMessage());
        } finally {
            loops.decrementAndGet();
        }
    }

    /** Starts a poll now: a rollout was created or resumed here, no need to wait for the next one. */
    void wake() {
        ScheduledExecutorService current = scheduler;
        if (current != null && !stopping) {
            current.execute(this::poll);
        }
    }

    private void judgeRunning() throws SQLException {
        for (String id : Transactions.inTransaction(dataSource, tx -> rollouts.runningIds(tx.connection()))) {
            judge(id);
        }
    }

    private Optional<Claim> claimNext() throws SQLException {
        // During a deploy old and new instances run side by side: only one that has the target
        // version's migrations may claim its tenants.
        List<String> known = migrator.versions();
        for (String id : Transactions.inTransaction(dataSource, tx -> rollouts.runningIdsTo(tx.connection(), known))) {
            Optional<Claim> claim = Transactions.inTransaction(
                    dataSource, tx -> rollouts.claim(tx.connection(), id, worker, config.lease()));
            if (claim.isPresent()) {
                return claim;
            }
        }
        return Optional.empty();
    }

    private void migrate(Claim claim) throws SQLException {
        inFlight.add(claim);
        long start = System.nanoTime();
        boolean succeeded;
        String error;
        try {
            MigrationRun run = migrations.upgradeInRollout(
                    claim.rolloutId(),
                    claim.rolloutId() + ":" + claim.schema() + ":" + claim.attempt(),
                    claim.tenant(),
                    claim.schema(),
                    claim.targetVersion(),
                    catalogFor(claim));
            succeeded = run.succeeded();
            error = succeeded ? null : run.errorCode() + ": " + run.errorMessage();
        } catch (Exception e) {
            if (stopping) {
                // Cut short by the shutdown, not the tenant's fault: claimed again after the lease.
                inFlight.remove(claim);
                return;
            }
            succeeded = false;
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long durationMs = (System.nanoTime() - start) / 1_000_000;
        boolean ok = succeeded;
        String reason = error;
        try {
            boolean recorded = Transactions.inTransaction(
                    dataSource, tx -> rollouts.finish(tx.connection(), claim, worker, ok, reason, durationMs));
            if (!recorded) {
                LOG.infof("Rollout %s: %s was taken over by another worker", claim.rolloutId(), claim.schema());
            } else if (!ok) {
                LOG.warnf("Rollout %s could not upgrade %s: %s", claim.rolloutId(), claim.schema(), reason);
                // Judge at once: a spent failure budget halts the rollout before the next poll.
                judge(claim.rolloutId());
            }
        } finally {
            inFlight.remove(claim);
        }
    }

    /** The migrations up to the claim's target, for the direct path; null: let Flyway build it up. */
    private MigrationCatalog catalogFor(Claim claim) {
        if (claim.currentVersion() == null) {
            return null;
        }
        MigrationCatalog catalog = migrator.catalog();
        return claim.targetVersion().equals(catalog.latest()) ? catalog : catalog.upTo(claim.targetVersion());
    }

    /** Judges the current stage of a running rollout, unless another instance is doing it now. */
    void judge(String id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Transactions.inTransaction(connection, tx -> {
                Optional<Head> head = rollouts.lockRunning(tx.connection(), id);
                if (head.isPresent()) {
                    advance(tx.connection(), head.get());
                }
                return null;
            });
        }
    }

    private void advance(Connection connection, Head head) throws SQLException {
        int current = head.currentStage();
        String version = head.targetVersion();
        while (true) {
            StageRow stage = rollouts.stage(connection, head.id(), current);
            boolean last = current == head.stageCount() - 1;
            Rollout.Counts counts = rollouts.counts(connection, head.id(), current);
            StageVerdict verdict = StageVerdict.judge(stage.name(), counts, stage.maxFailures(), last, stage.gate());
            switch (verdict.step()) {
                case CONTINUE -> {
                    return;
                }
                case HALT -> {
                    rollouts.setState(connection, head.id(), Rollout.HALTED, verdict.reason());
                    events.record(
                            connection,
                            new RolloutHalted(head.id(), version, stage.name(), counts.failed(), verdict.reason()));
                    LOG.warnf("Rollout %s halted: %s", head.id(), verdict.reason());
                    return;
                }
                case COMPLETE -> {
                    rollouts.finishStage(connection, head.id(), current);
                    rollouts.setState(connection, head.id(), Rollout.COMPLETED, null);
                    events.record(connection, stageCompleted(head, version, stage, counts, null, false));
                    Rollout.Counts all =
                            rollouts.find(connection, head.id()).orElseThrow().tenants();
                    events.record(
                            connection,
                            new RolloutCompleted(head.id(), version, all.done(), all.failed(), all.skipped()));
                    LOG.infof("Rollout %s completed", head.id());
                    return;
                }
                case WAIT_AT_GATE -> {
                    rollouts.nextStage(connection, head.id(), current, Duration.ofMillis(stage.pauseAfterMs()));
                    rollouts.setState(connection, head.id(), Rollout.PAUSED, verdict.reason());
                    String next =
                            rollouts.stage(connection, head.id(), current + 1).name();
                    events.record(connection, stageCompleted(head, version, stage, counts, next, true));
                    LOG.infof("Rollout %s paused: %s", head.id(), verdict.reason());
                    return;
                }
                case NEXT_STAGE -> {
                    rollouts.nextStage(connection, head.id(), current, Duration.ofMillis(stage.pauseAfterMs()));
                    String next =
                            rollouts.stage(connection, head.id(), current + 1).name();
                    events.record(connection, stageCompleted(head, version, stage, counts, next, false));
                    LOG.infof("Rollout %s: stage '%s' completed", head.id(), stage.name());
                    current++;
                    if (stage.pauseAfterMs() > 0) {
                        return;
                    }
                }
            }
        }
    }

    private static RolloutStageCompleted stageCompleted(
            Head head, String version, StageRow stage, Rollout.Counts counts, String next, boolean gate) {
        return new RolloutStageCompleted(
                head.id(), version, stage.name(), stage.position(), counts.done(), counts.failed(), next, gate);
    }
}
