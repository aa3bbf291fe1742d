package dev.tenantry.provisioning.service;

import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.repository.TenantRepository;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.persistence.Transactions.Tx;
import dev.tenantry.support.scheduling.BackgroundTasks;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Periodically hands tenants stuck waiting for the worker their timeout, which {@link
 * SagaDecisions} turns into a re-sent request or a failure. Stuck means unanswered by a worker
 * that is answering others or none at all, never merely queued (see {@link
 * dev.tenantry.provisioning.model.WorkerProgress}). Safe on every replica at once: stuck rows are
 * taken with SKIP LOCKED.
 */
@ApplicationScoped
public class StuckTenantSweeper {

    private static final Logger LOG = Logger.getLogger(StuckTenantSweeper.class);

    private final Transactions transactions;
    private final TenantRepository tenants;
    private final TenantSaga saga;
    private final ProvisioningConfig.Saga config;
    private ScheduledExecutorService scheduler;

    public StuckTenantSweeper(
            Transactions transactions, TenantRepository tenants, TenantSaga saga, ProvisioningConfig config) {
        this.transactions = transactions;
        this.tenants = tenants;
        this.saga = saga;
        this.config = config.saga();
    }

    void onStart(@Observes StartupEvent start) {
        long interval = config.sweepInterval().toMillis();
        if (interval <= 0) {
            return;
        }
        scheduler = BackgroundTasks.scheduler("stuck-tenant-sweeper");
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Runs one sweep now, in one transaction. @return tenants moved */
    public int sweep() throws SQLException {
        Duration timeout = config.provisioningTimeout();
        Duration upgradeTimeout = config.upgradeTimeout();
        return transactions.inTransaction(tx -> {
            Instant now = Instant.now();
            Optional<Instant> unanswered = unansweredBefore(tx, now, timeout);
            return timeOut(tx, TenantStatus.PROVISIONING, unanswered, timeout)
                    + timeOut(tx, TenantStatus.UPGRADING, unansweredBefore(tx, now, upgradeTimeout), upgradeTimeout)
                    + timeOut(tx, TenantStatus.COMPENSATING, unanswered, timeout)
                    + timeOut(tx, TenantStatus.DELETING, unanswered, timeout);
        });
    }

    private Optional<Instant> unansweredBefore(Tx tx, Instant now, Duration timeout) throws SQLException {
        return tenants.workerProgressSince(tx.connection(), now.minus(timeout)).unansweredBefore(now, timeout);
    }

    /** Hands each tenant of {@code status} waiting since before {@code unanswered} its timeout. */
    private int timeOut(Tx tx, TenantStatus status, Optional<Instant> unanswered, Duration timeout)
            throws SQLException {
        if (unanswered.isEmpty()) {
            return 0;
        }
        List<Tenant> stuck = tenants.lockWaitingSince(tx.connection(), status, unanswered.get(), 50);
        for (Tenant tenant : stuck) {
            Tenant moved = saga.apply(tx, tenant, new SagaDecisions.Timeout(timeout, config.maxProvisioningRequests()));
            LOG.warnf(
                    "Tenant %s (%s): no answer in %s for %s; now %s",
                    tenant.id(), tenant.slug(), status, timeout, moved.status());
        }
        return stuck.size();
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
