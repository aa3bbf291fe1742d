package dev.tenantry.worker.service;

import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.repository.TenantSchemaRepository;
import dev.tenantry.worker.repository.TenantSchemaRepository.ArchivedSchema;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Drops deleted tenants' schemas once they have been kept aside for the retention period. Until
 * then an operator can restore one by renaming it back.
 */
@ApplicationScoped
public class RetentionSweeper {

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);

    private final AgroalDataSource dataSource;
    private final TenantSchemaRepository schemas;
    private final WorkerConfig.Deletion config;
    private ScheduledExecutorService scheduler;

    public RetentionSweeper(AgroalDataSource dataSource, TenantSchemaRepository schemas, WorkerConfig config) {
        this.dataSource = dataSource;
        this.schemas = schemas;
        this.config = config.deletion();
    }

    void onStart(@Observes StartupEvent start) {
        Duration interval = config.sweepInterval();
        if (interval.isZero()) {
            return;
        }
        scheduler = BackgroundTasks.singleThread("retention-sweeper");
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Drops every archived schema older than the retention period; returns how many. */
    public int sweep() throws SQLException {
        long cutoff = Instant.now().minus(config.retention()).getEpochSecond();
        int dropped = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (ArchivedSchema archived : schemas.archivedSchemas(connection)) {
                if (archived.archivedAtEpoch() < cutoff) {
                    try (SchemaLock lock = SchemaLock.acquire(dataSource, archived.schema())) {
                        schemas.drop(connection, archived.schema());
                    }
                    LOG.infof("Dropped %s: past the %s retention of deleted tenants", archived.schema().name(),
                            config.retention());
                    dropped++;
                }
            }
        }
        return dropped;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (Exception e) {
            LOG.warnf("Retention sweep failed, will try again: %s", e.getMessage());
        }
    }
}
