package dev.tenantry.worker.service;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.contracts.tenant.TenantSlug;
import dev.tenantry.support.messaging.UnsupportedEventException;
import dev.tenantry.support.persistence.JdbcTransaction;
import dev.tenantry.support.persistence.ProcessedEvents;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.messaging.ResultPublisher;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationOutcome;
import dev.tenantry.worker.model.MigrationRun;
import dev.tenantry.worker.model.RunKind;
import dev.tenantry.worker.repository.MigrationRunRepository;
import dev.tenantry.worker.repository.TenantSchemaRepository;
import dev.tenantry.worker.repository.TenantVersionRepository;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;

/**
 * Handles the four migration requests. Each one is idempotent on its event id: the run log row
 * and the processed-event record commit together after the work, so a redelivered request whose
 * work is done publishes the same result again instead of redoing (or failing) anything.
 */
@ApplicationScoped
public class TenantMigrationService {

    private static final Logger LOG = Logger.getLogger(TenantMigrationService.class);

    private final AgroalDataSource dataSource;
    private final TenantMigrator migrator;
    private final DirectMigrator directMigrator;
    private final SparePool sparePool;
    private final TenantSchemaRepository schemas;
    private final MigrationRunRepository runs;
    private final TenantVersionRepository versions;
    private final ResultPublisher results;
    private final MigrationMetrics metrics;
    private final ProcessedEvents processed = new ProcessedEvents("worker_processed_event");
    private final String consumer;

    public TenantMigrationService(AgroalDataSource dataSource, TenantMigrator migrator, DirectMigrator directMigrator,
                                  SparePool sparePool,
                                  TenantSchemaRepository schemas,
                                  MigrationRunRepository runs, TenantVersionRepository versions,
                                  ResultPublisher results, MigrationMetrics metrics,
                                  WorkerConfig config) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.directMigrator = directMigrator;
        this.sparePool = sparePool;
        this.schemas = schemas;
        this.runs = runs;
        this.versions = versions;
        this.results = results;
        this.metrics = metrics;
        this.consumer = config.consumerGroup();
    }

    public void handle(EventEnvelope<TenantryEvent> request) throws SQLException {
        if (republishIfDone(request)) {
            return;
        }
        TenantryEvent data = request.data();
        MigrationRun run;
        if (data instanceof TenantRequested r) {
            run = migrate(request.id(), r.tenantId(), r.slug(), r.schema(), r.targetVersion(), MigrationKind.NEW);
        } else if (data instanceof TenantUpgradeRequested r) {
            run = migrate(request.id(), r.tenantId(), r.slug(), r.schema(), r.targetVersion(), MigrationKind.UPGRADE);
        } else if (data instanceof TenantRollbackRequested r) {
            run = rollBack(request, r);
        } else if (data instanceof TenantDeletionRequested r) {
            run = delete(request, r);
        } else {
            throw new UnsupportedEventException(request.type(), consumer);
        }
        if (record(request.id(), run)) {
            results.publish(request, run.toResult());
        } else {
            LOG.infof("Request %s was completed concurrently; publishing its recorded result", request.id());
            republishIfDone(request);
        }
    }

    /**
     * Upgrades one tenant as part of a fleet upgrade the worker started itself (drift repair):
     * same lock, same run log, same result event, correlated to the fleet run instead of a request.
     *
     * @param catalog the migrations resolved when the fleet upgrade started, for the direct path;
     *                null to go through Flyway
     */
    public MigrationRun upgradeInFleet(String fleetRunId, String tenantId, String schemaName, MigrationCatalog catalog)
            throws SQLException {
        String requestId = fleetRunId + ":" + schemaName;
        MigrationRun run;
        if (catalog != null && catalog.directlyApplicable()) {
            Instant started = now();
            MigrationOutcome outcome = directMigrator.upgrade(new TenantSchema(schemaName), catalog);
            run = MigrationRun.migration(tenantId, schemaName, requestId, RunKind.UPGRADE, outcome, started, now());
            metrics.migrationFinished(run);
        } else {
            String slug = schemaName.substring("tenant_".length());
            run = migrate(requestId, tenantId, slug, schemaName, null, MigrationKind.UPGRADE);
        }
        if (record(requestId, run)) {
            results.publish(run.toResult(), fleetRunId);
        }
        return run;
    }

    private MigrationRun migrate(String requestId, String tenantId, String slug, String schemaName,
                                 String targetVersion, MigrationKind kind) throws SQLException {
        Instant started = now();
        Optional<String> invalid = checkSchemaMatchesSlug(slug, schemaName);
        if (invalid.isPresent()) {
            return MigrationRun.migration(tenantId, schemaName, requestId, RunKind.of(kind),
                    MigrationOutcome.failed(null, null, "INVALID_REQUEST", invalid.get()), started, now());
        }
        TenantSchema schema = new TenantSchema(schemaName);
        metrics.migrationStarted();
        try {
            MigrationOutcome outcome = kind == MigrationKind.NEW ? create(schema, targetVersion)
                    : upgrade(schema, targetVersion);
            MigrationRun run = MigrationRun.migration(tenantId, schemaName, requestId, RunKind.of(kind), outcome,
                    started, now());
            metrics.migrationFinished(run);
            return run;
        } finally {
            metrics.migrationEnded();
        }
    }

    /**
     * A new tenant is built by the direct path when every migration is plain SQL: that is most of
     * a signup's latency saved (Flyway would resolve and validate everything once per tenant).
     * Anything else (Java migrations, placeholders, non-transactional statements) goes to Flyway.
     */
    private MigrationOutcome create(TenantSchema schema, String targetVersion) throws SQLException {
        MigrationCatalog catalog = migrator.catalog();
        if (catalog.directlyApplicable()) {
            if (isLatest(targetVersion, catalog)) {
                Optional<MigrationOutcome> fromSpare = sparePool.take(schema, catalog);
                if (fromSpare.isPresent()) {
                    return fromSpare.get();
                }
            }
            return directMigrator.create(schema, catalog.upTo(targetVersion));
        }
        try (SchemaLock lock = SchemaLock.acquire(dataSource, schema)) {
            createSchema(schema);
            MigrationOutcome outcome = migrator.migrate(schema, targetVersion);
            trackVersion(schema);
            return outcome;
        }
    }

    private static boolean isLatest(String targetVersion, MigrationCatalog catalog) {
        return targetVersion == null || catalog.latest() != null
                && MigrationVersion.fromVersion(targetVersion).equals(MigrationVersion.fromVersion(catalog.latest()));
    }

    /** Upgrades go through Flyway, which validates the applied history's checksums first. */
    private MigrationOutcome upgrade(TenantSchema schema, String targetVersion) throws SQLException {
        try (SchemaLock lock = SchemaLock.acquire(dataSource, schema)) {
            if (!schemaExists(schema)) {
                // Never build a tenant from nothing on an upgrade: its data would be silently gone.
                return MigrationOutcome.failed(null, null, "SCHEMA_MISSING",
                        "Schema " + schema.name() + " does not exist; an upgrade never recreates a tenant");
            }
            MigrationOutcome outcome = migrator.migrate(schema, targetVersion);
            trackVersion(schema);
            return outcome;
        }
    }

    private MigrationRun rollBack(EventEnvelope<?> request, TenantRollbackRequested r) throws SQLException {
        Instant started = now();
        TenantSchema schema = requireTenantSchema(r.slug(), r.schema());
        boolean existed;
        try (SchemaLock lock = SchemaLock.acquire(dataSource, schema);
             Connection connection = dataSource.getConnection()) {
            existed = schemas.drop(connection, schema);
            versions.forget(connection, schema);
        }
        LOG.infof("Rolled back tenant %s: schema %s %s", r.tenantId(), schema.name(),
                existed ? "dropped" : "was already gone");
        return new MigrationRun(r.tenantId(), schema.name(), request.id(), RunKind.ROLLBACK, true, null, null, null,
                0, started, now(), null, null, Boolean.toString(existed));
    }

    private MigrationRun delete(EventEnvelope<?> request, TenantDeletionRequested r) throws SQLException {
        Instant started = now();
        TenantSchema schema = requireTenantSchema(r.slug(), r.schema());
        TenantSchema archive;
        try (SchemaLock lock = SchemaLock.acquire(dataSource, schema);
             Connection connection = dataSource.getConnection()) {
            if (schemas.exists(connection, schema)) {
                archive = TenantSchemaRepository.archiveName(r.slug(), started.getEpochSecond());
                schemas.rename(connection, schema, archive);
                versions.forget(connection, schema);
            } else {
                // Already renamed by an earlier delivery whose result was lost: report that archive.
                archive = schemas.findArchive(connection, r.slug()).orElse(null);
            }
        }
        LOG.infof("Deleted tenant %s: schema %s archived as %s", r.tenantId(), schema.name(),
                archive == null ? "(nothing to archive)" : archive.name());
        return new MigrationRun(r.tenantId(), schema.name(), request.id(), RunKind.DELETION, true, null, null, null,
                0, started, now(), null, null, archive == null ? null : archive.name());
    }

    /**
     * Records the run and the processed request in one transaction.
     *
     * @return false when the request had already been recorded (by a concurrent delivery)
     */
    private boolean record(String requestId, MigrationRun run) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return JdbcTransaction.run(connection, c -> {
                if (!processed.markProcessed(c, consumer, requestId)) {
                    return false;
                }
                runs.insert(c, run);
                return true;
            });
        }
    }

    private boolean republishIfDone(EventEnvelope<?> request) throws SQLException {
        Optional<MigrationRun> previous;
        try (Connection connection = dataSource.getConnection()) {
            if (!processed.isProcessed(connection, consumer, request.id())) {
                return false;
            }
            previous = runs.findByRequest(connection, request.id());
        }
        if (previous.isPresent()) {
            LOG.infof("Request %s (%s) already handled; publishing its result again", request.id(), request.type());
            results.publish(request, previous.get().toResult());
        }
        return true;
    }

    // Millisecond precision, as stored: a result published again from the run log is then identical.
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Keeps the shared version index (used by drift verification) in step with this schema. */
    private void trackVersion(TenantSchema schema) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (schemas.hasTable(connection, schema, migrator.historyTable())) {
                versions.track(connection, schema, migrator.historyTable());
            }
        }
    }

    private void createSchema(TenantSchema schema) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            schemas.create(connection, schema);
        }
    }

    private boolean schemaExists(TenantSchema schema) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return schemas.exists(connection, schema);
        }
    }

    /** A request may only touch the schema its slug names: {@code tenant_<slug>}. */
    private static Optional<String> checkSchemaMatchesSlug(String slug, String schemaName) {
        String expected = TenantSchema.of(new TenantSlug(slug)).name();
        return expected.equals(schemaName) ? Optional.empty()
                : Optional.of("Schema " + schemaName + " does not belong to slug " + slug + " (expected " + expected + ")");
    }

    private static TenantSchema requireTenantSchema(String slug, String schemaName) {
        checkSchemaMatchesSlug(slug, schemaName).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        return new TenantSchema(schemaName);
    }
}
