package dev.tenantry.provisioning.service;

import dev.tenantry.provisioning.config.ProvisioningConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Periodically gives tenants stuck in PROVISIONING or UPGRADING a second chance, then fails them
 * (a new tenant is also compensated); COMPENSATING and DELETING have their request re-sent. Stuck
 * means unanswered by a worker that is answering others or none at all, never merely queued (see
 * {@link dev.tenantry.provisioning.model.WorkerProgress}). Safe on every replica at once: stuck
 * rows are taken with SKIP LOCKED.
 */
@ApplicationScoped
public class StuckTenantSweeper {

    private static final Logger LOG = Logger.getLogger(StuckTenantSweeper.class);

    private final TenantSaga saga;
    private final ProvisioningConfig.Saga config;
    private ScheduledExecutorService scheduler;

    public StuckTenantSweeper(TenantSaga saga, ProvisioningConfig config) {
        this.saga = saga;
        this.config = config.saga();
    }

    void onStart(@Observes StartupEvent start) {
        long interval = config.sweepInterval().toMillis();
        if (interval <= 0) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stuck-tenant-sweeper");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Runs one sweep now. @return tenants moved */
    public int sweep() throws SQLException {
        return saga.sweepStuck(config.provisioningTimeout(), config.upgradeTimeout(), config.maxProvisioningRequests());
    }

    private void sweepQuietly() {
        try {
            int moved = sweep();
            if (moved > 0) {
                LOG.infof("Stuck-tenant sweep moved %d tenant(s)", moved);
            }
        } catch (Exception e) {
            LOG.warnf("Stuck-tenant sweep failed, will try again: %s", e.getMessage());
        }
    }
}
