package dev.tenantry.worker.service;

import dev.tenantry.support.scheduling.BackgroundTasks;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.model.DriftReport;
import dev.tenantry.worker.model.FleetProgress;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Brings every tenant that is behind to the latest migration, several at a time. One tenant's
 * failure is recorded and never stops the others. One fleet upgrade runs at a time per worker.
 */
@ApplicationScoped
public class FleetUpgradeService {

    private static final Logger LOG = Logger.getLogger(FleetUpgradeService.class);

    private final TenantMigrationService migrations;
    private final TenantMigrator migrator;
    private final ExecutorService pool;
    private volatile Run current;

    public FleetUpgradeService(
            TenantMigrationService migrations, TenantMigrator migrator, WorkerConfig config, MeterRegistry registry) {
        this.migrations = migrations;
        this.migrator = migrator;
        this.pool = BackgroundTasks.pool("fleet-upgrade", config.drift().fleetParallelism());
        Gauge.builder(
                        "tenantry.fleet.upgrade.remaining",
                        this,
                        s -> s.progress().map(FleetProgress::remaining).orElse(0))
                .description("Tenants left in the running fleet upgrade")
                .register(registry);
        Gauge.builder(
                        "tenantry.fleet.upgrade.done",
                        this,
                        s -> s.progress().map(FleetProgress::done).orElse(0))
                .description("Tenants upgraded by the last fleet upgrade")
                .register(registry);
        Gauge.builder(
                        "tenantry.fleet.upgrade.failed",
                        this,
                        s -> s.progress().map(FleetProgress::failed).orElse(0))
                .description("Tenants the last fleet upgrade could not upgrade")
                .register(registry);
    }

    /** Starts upgrading the tenants the report lists as behind, unless a fleet upgrade is running. */
    public FleetProgress start(DriftReport report) {
        return start(report, migrator.catalog());
    }

    synchronized FleetProgress start(DriftReport report, MigrationCatalog catalog) {
        if (current != null && !current.finished()) {
            return current.progress();
        }
        // Tenants whose last migration failed need a fixed migration, not a retry every interval.
        Set<String> failing = new HashSet<>();
        report.failed().forEach(f -> failing.add(f.schema()));
        List<DriftReport.Behind> behind = report.behind().stream()
                .filter(b -> !failing.contains(b.schema()))
                .toList();
        Run run = new Run("fleet-" + UUID.randomUUID(), behind.size());
        current = run;
        LOG.infof("Fleet upgrade %s: %d tenant(s) behind version %s", run.id, behind.size(), report.latest());
        for (DriftReport.Behind tenant : behind) {
            pool.submit(() -> upgrade(run, tenant, catalog));
        }
        if (behind.isEmpty()) {
            run.finishedAt = Instant.now();
        }
        return run.progress();
    }

    public Optional<FleetProgress> progress() {
        Run run = current;
        return run == null ? Optional.empty() : Optional.of(run.progress());
    }

    private void upgrade(Run run, DriftReport.Behind tenant, MigrationCatalog catalog) {
        try {
            // A schema without history has never been migrated: let Flyway build it up properly.
            MigrationRun result = migrations.upgradeInFleet(
                    run.id, tenant.tenant(), tenant.schema(), tenant.current() == null ? null : catalog);
            if (result.succeeded()) {
                run.done.incrementAndGet();
            } else {
                run.fail(tenant, result.errorCode() + ": " + result.errorMessage());
            }
        } catch (Exception e) {
            run.fail(tenant, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (run.done.get() + run.failed.get() == run.total) {
                run.finishedAt = Instant.now();
                LOG.infof(
                        "Fleet upgrade %s finished: %d upgraded, %d failed", run.id, run.done.get(), run.failed.get());
            }
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    private static final class Run {
        final String id;
        final int total;
        final Instant startedAt = Instant.now();
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final ConcurrentLinkedQueue<FleetProgress.Failure> failures = new ConcurrentLinkedQueue<>();
        volatile Instant finishedAt;

        Run(String id, int total) {
            this.id = id;
            this.total = total;
        }

        void fail(DriftReport.Behind tenant, String reason) {
            failures.add(new FleetProgress.Failure(tenant.tenant(), tenant.schema(), reason));
            failed.incrementAndGet();
            LOG.warnf("Fleet upgrade %s could not upgrade %s: %s", id, tenant.schema(), reason);
        }

        boolean finished() {
            return finishedAt != null;
        }

        FleetProgress progress() {
            int d = done.get();
            int f = failed.get();
            return new FleetProgress(
                    id,
                    finished() ? FleetProgress.FINISHED : FleetProgress.RUNNING,
                    total,
                    d,
                    f,
                    total - d - f,
                    startedAt,
                    finishedAt,
                    List.copyOf(failures));
        }
    }
}
