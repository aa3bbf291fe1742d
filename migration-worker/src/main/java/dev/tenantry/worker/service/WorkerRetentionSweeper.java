package dev.tenantry.worker.service;

import dev.tenantry.support.deadletter.DeadLetterAdmin;
import dev.tenantry.support.persistence.ProcessedEvents;
import dev.tenantry.support.persistence.RetentionRule;
import dev.tenantry.support.persistence.RetentionSweep;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.repository.MigrationRunRepository;
import dev.tenantry.worker.repository.RolloutRepository;
import dev.tenantry.worker.repository.TenantSchemaRepository;
import dev.tenantry.worker.repository.TenantSchemaRepository.ArchivedSchema;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The worker's retention sweep: drops deleted tenants' schemas once they have been kept aside for
 * their retention period (until then an operator can restore one by renaming it back), and prunes
 * the processed-event log, the run log, and rollouts that ended and their published events.
 */
@ApplicationScoped
public class WorkerRetentionSweeper {

    private static final Logger LOG = Logger.getLogger(WorkerRetentionSweeper.class);

    private final AgroalDataSource dataSource;
    private final TenantSchemaRepository schemas;
    private final WorkerConfig config;
    private final RetentionSweep sweep;

    public WorkerRetentionSweeper(
            AgroalDataSource dataSource,
            TenantSchemaRepository schemas,
            MigrationRunRepository runs,
            RolloutRepository rollouts,
            WorkerConfig config,
            MeterRegistry registry,
            @ConfigProperty(name = DeadLetterAdmin.REPLAY_WINDOW, defaultValue = DeadLetterAdmin.DEFAULT_REPLAY_WINDOW)
                    Duration replayWindow) {
        this.dataSource = dataSource;
        this.schemas = schemas;
        this.config = config;
        WorkerConfig.Retention retention = config.retention();
        ProcessedEvents.requireLongerThanReplayWindow(
                retention.processedEvents(), replayWindow, "tenantry.worker.retention.processed-events");
        ProcessedEvents processed = ProcessedEvents.WORKER;
        this.sweep = new RetentionSweep(
                "worker-retention",
                dataSource,
                List.of(
                        new RetentionRule("deleted_schema", config.deletion().retention(), this::dropArchived),
                        new RetentionRule(processed.table(), retention.processedEvents(), processed::prune),
                        new RetentionRule("migration_run", retention.runs(), runs::prune),
                        new RetentionRule("tenant_rollout", retention.rollouts(), rollouts::pruneFinished),
                        new RetentionRule(
                                "tenant_rollout_event", retention.rollouts(), rollouts::prunePublishedEvents)),
                retention.batchSize(),
                registry);
    }

    void onStart(@Observes StartupEvent start) {
        sweep.start(config.retention().interval());
    }

    void onStop(@Observes ShutdownEvent stop) {
        sweep.close();
    }

    /** Runs every retention rule once; returns the rows (schemas) deleted per table. */
    public Map<String, Integer> sweep() throws SQLException {
        return sweep.sweep();
    }

    /** Drops up to {@code limit} archived schemas older than {@code before}, each under its schema lock. */
    private int dropArchived(Connection connection, Instant before, int limit) throws SQLException {
        int dropped = 0;
        for (ArchivedSchema archived : schemas.archivedSchemas(connection)) {
            if (dropped < limit && archived.archivedAtEpoch() < before.getEpochSecond()) {
                try (SchemaLock lock = SchemaLock.acquire(dataSource, archived.schema())) {
                    schemas.drop(connection, archived.schema());
                }
                LOG.infof(
                        "Dropped %s: past the %s retention of deleted tenants",
                        archived.schema().name(), config.deletion().retention());
                dropped++;
            }
        }
        return dropped;
    }
}
