package dev.tenantry.worker.health;

import dev.tenantry.support.scheduling.BackgroundTasks;
import dev.tenantry.worker.model.DriftReport;
import dev.tenantry.worker.service.DriftService;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The fleet in the readiness document: how many tenant schemas are behind, ahead, pinned, failed or
 * missing. Always UP: a tenant behind the latest migration is work for the drift repair, not a
 * reason to stop sending this worker requests (it is the one that repairs it).
 *
 * <p>Probes never wait for the database: the check shows the last drift report, and a report older
 * than {@link #MAX_AGE} is refreshed in the background (a verify reads every tenant's version; a
 * probe answered after its timeout would fail readiness after all).
 */
@Readiness
@ApplicationScoped
public class FleetDriftCheck implements HealthCheck {

    static final String NAME = "fleet-drift";
    static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(FleetDriftCheck.class);

    private final DriftService drift;
    private final ExecutorService refresher = BackgroundTasks.singleThread("fleet-drift-check");
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile DriftReport report;
    private volatile String lastError;

    public FleetDriftCheck(DriftService drift) {
        this.drift = drift;
    }

    @Override
    public HealthCheckResponse call() {
        DriftReport current = report;
        if (current == null || current.checkedAt().isBefore(Instant.now().minus(MAX_AGE))) {
            refreshInBackground();
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        if (current == null) {
            response.withData("pending", "first drift verify running");
        } else {
            response.withData("drift", current.hasDrift())
                    .withData("latestVersion", current.latest() == null ? "none" : current.latest())
                    .withData("tenants", current.totalTenants())
                    .withData("upToDate", current.upToDate())
                    .withData("behind", current.behind().size())
                    .withData("ahead", current.ahead().size())
                    .withData("pinned", current.pinned().size())
                    .withData("failed", current.failed().size())
                    .withData("missingSchema", current.missingSchema().size())
                    .withData("checkedAt", current.checkedAt().toString());
        }
        String error = lastError;
        if (error != null) {
            response.withData("error", error);
        }
        return response.build();
    }

    private void refreshInBackground() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    report = drift.verify(false);
                    lastError = null;
                } catch (Exception e) {
                    // The database check reports the outage; this one keeps the last report it has.
                    lastError = "drift not verified: " + e.getMessage();
                    LOG.debugf("Fleet drift check could not verify: %s", e.getMessage());
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RuntimeException e) {
            refreshing.set(false); // shutting down
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        refresher.shutdownNow();
    }
}
