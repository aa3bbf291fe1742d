package dev.tenantry.worker.rollout;

import dev.tenantry.support.scheduling.BackgroundTasks;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.model.DriftReport;
import dev.tenantry.worker.service.DriftService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Verifies the fleet at start-up and then periodically, and (auto-heal) starts a fleet-repair
 * rollout for the tenants found behind: a release reaches every tenant even if nobody asks for it.
 * An open rollout to the latest version (an operator's staged one, halted or paused included) is
 * left to run its course instead: auto-heal never goes around a canary.
 */
@ApplicationScoped
public class DriftWatch {

    private static final Logger LOG = Logger.getLogger(DriftWatch.class);

    private final DriftService drift;
    private final RolloutService rollouts;
    private final WorkerConfig.Drift config;
    private ScheduledExecutorService scheduler;

    public DriftWatch(DriftService drift, RolloutService rollouts, WorkerConfig config) {
        this.drift = drift;
        this.rollouts = rollouts;
        this.config = config.drift();
    }

    void onStart(@Observes StartupEvent start) {
        scheduler = BackgroundTasks.scheduler("drift-watch");
        if (config.verifyAtStart()) {
            scheduler.execute(this::check);
        }
        Duration interval = config.interval();
        if (!interval.isZero()) {
            scheduler.scheduleWithFixedDelay(
                    this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    void check() {
        try {
            DriftReport report = drift.verify(false);
            if (report.behind().isEmpty()) {
                LOG.debugf(
                        "Drift check: none of %d tenant(s) behind version %s (%d pinned below it)",
                        (Object) report.totalTenants(),
                        report.latest(),
                        report.pinned().size());
                return;
            }
            LOG.warnf(
                    "Drift check: %d of %d tenant(s) behind version %s%s",
                    report.behind().size(),
                    report.totalTenants(),
                    report.latest(),
                    config.autoHeal() ? "; upgrading them" : "");
            // Tenants whose last migration failed wait for a fixed release, not a retry per check.
            Set<String> failing = new HashSet<>();
            report.failed().forEach(f -> failing.add(f.schema()));
            boolean repairable = report.behind().stream().anyMatch(b -> !failing.contains(b.schema()));
            if (config.autoHeal() && repairable) {
                rollouts.repairFleet(report, "auto-heal");
            }
        } catch (Exception e) {
            LOG.warnf("Drift check failed, will try again at the next interval: %s", e.getMessage());
        }
    }
}
