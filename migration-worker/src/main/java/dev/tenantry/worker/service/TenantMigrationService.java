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
import dev.tenantry.support.persistence.ProcessedEvents;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.messaging.results.ResultPublisher;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationOutcome;
import dev.tenantry.worker.model.MigrationRun;
import dev.tenantry.worker.model.RunKind;
import dev.tenantry.worker.repository.MigrationRunRepository;
import dev.tenantry.worker.repository.SchemaOwnerRepository;
import dev.tenantry.worker.repository.SchemaOwnerRepository.Owner;
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
 *
 * <p>A slug given up by a rolled-back or deleted tenant can be taken by a new tenant, so a schema
 * name does not say whose data it holds. The owner of every schema (tenant and latest request) is
 * recorded under the schema's lock, and a request of another tenant, or one older than the
 * request that last changed the schema, leaves the schema alone and says so in its result: a
 * dead letter replayed hours later cannot drop or archive a new tenant's schema.
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
    private final SchemaOwnerRepository owners;
    private final ResultPublisher results;
    private final MigrationMetrics metrics;
    private final ProcessedEvents processed = ProcessedEvents.WORKER;
    private final String consumer;

    public TenantMigrationService(
            AgroalDataSource dataSource,
            TenantMigrator migrator,
            DirectMigrator directMigrator,
            SparePool sparePool,
            TenantSchemaRepository schemas,
            MigrationRunRepository runs,
            TenantVersionRepository versions,
            SchemaOwnerRepository owners,
            ResultPublisher results,
            MigrationMetrics metrics,
            WorkerConfig config) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.directMigrator = directMigrator;
        this.sparePool = sparePool;
        this.schemas = schemas;
        this.runs = runs;
        this.versions = versions;
        this.owners = owners;
        this.results = results;
        this.metrics = metrics;
        this.consumer = config.consumerGroup();
    }

    public void handle(EventEnvelope<TenantryEvent> request) throws SQLException {
        // The processed id is recorded with the run log, after the effect and not inside its
        // transaction as the other services do: a migration is several transactions (one per
        // script, each under the schema's advisory lock), so there is no one transaction to join.
        // Every step is idempotent instead (a schema already at its version is left alone, an
        // owned schema is recognised), so a request delivered again before record() repeats
        // nothing; after it, republishIfDone answers with the recorded result.
        if (republishIfDone(request)) {
            return;
        }
        TenantryEvent data = request.data();
        MigrationRun run;
        if (data instanceof TenantRequested r) {
            run = migrate(request, r.tenantId(), r.slug(), r.schema(), r.targetVersion(), MigrationKind.NEW);
        } else if (data instanceof TenantUpgradeRequested r) {
            run = migrate(request, r.tenantId(), r.slug(), r.schema(), r.targetVersion(), MigrationKind.UPGRADE);
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
     * Upgrades one tenant as part of a rollout: same lock, same run log, same result event (so the
     * registry hears of it through the saga), correlated to the rollout instead of a request.
     *
     * @param rolloutId   the rollout, the result event's correlation id
     * @param requestId   unique per attempt: a retried tenant must be recorded and answered again
     * @param targetVersion the version to reach
     * @param catalog     the migrations up to {@code targetVersion}, for the direct path; null to
     *                    go through Flyway (a schema that was never migrated)
     */
    public MigrationRun upgradeInRollout(
            String rolloutId,
            String requestId,
            String tenantId,
            String schemaName,
            String targetVersion,
            MigrationCatalog catalog)
            throws SQLException {
        MigrationRun run;
        if (catalog != null && catalog.directlyApplicable()) {
            Instant started = now();
            MigrationOutcome outcome = directMigrator.upgrade(new TenantSchema(schemaName), catalog);
            run = MigrationRun.migration(tenantId, schemaName, requestId, RunKind.UPGRADE, outcome, started, now());
            metrics.migrationFinished(run);
        } else {
            String slug = schemaName.substring("tenant_".length());
            run = migrate(
                    new FleetRequest(requestId), tenantId, slug, schemaName, targetVersion, MigrationKind.UPGRADE);
        }
        if (record(requestId, run)) {
            results.publish(run.toResult(), rolloutId);
        }
        return run;
    }

    /**
     * Who asked: a request event (its id and send time), or a rollout, which neither checks nor
     * changes the recorded owner and pin.
     */
    private record FleetRequest(String id) {}

    private MigrationRun migrate(
            EventEnvelope<?> request,
            String tenantId,
            String slug,
            String schemaName,
            String targetVersion,
            MigrationKind kind)
            throws SQLException {
        return migrate(request.id(), sentAt(request), tenantId, slug, schemaName, targetVersion, kind, true);
    }

    private MigrationRun migrate(
            FleetRequest request,
            String tenantId,
            String slug,
            String schemaName,
            String targetVersion,
            MigrationKind kind)
            throws SQLException {
        return migrate(request.id(), null, tenantId, slug, schemaName, targetVersion, kind, false);
    }

    private MigrationRun migrate(
            String requestId,
            Instant requestTime,
            String tenantId,
            String slug,
            String schemaName,
            String targetVersion,
            MigrationKind kind,
            boolean byRequest)
            throws SQLException {
        Instant started = now();
        Optional<String> invalid = checkSchemaMatchesSlug(slug, schemaName);
        if (invalid.isPresent()) {
            return MigrationRun.migration(
                    tenantId,
                    schemaName,
                    requestId,
                    RunKind.of(kind),
                    MigrationOutcome.failed(null, null, "INVALID_REQUEST", invalid.get()),
                    started,
                    now());
        }
        if (targetVersion != null && !isKnown(targetVersion, migrator.catalog())) {
            // Answered instead of dead-lettered: the tenant's upgrade (or creation) fails and ends.
            return MigrationRun.migration(
                    tenantId,
                    schemaName,
                    requestId,
                    RunKind.of(kind),
                    MigrationOutcome.failed(
                            null,
                            null,
                            "UNKNOWN_VERSION",
                            "Version " + targetVersion
                                    + " is not one of the tenant migrations this worker knows (latest "
                                    + migrator.catalog().latest() + ")"),
                    started,
                    now());
        }
        TenantSchema schema = new TenantSchema(schemaName);
        if (byRequest) {
            Optional<String> foreign = claim(schema, tenantId, requestId, requestTime, kind, targetVersion);
            if (foreign.isPresent()) {
                return MigrationRun.migration(
                        tenantId,
                        schemaName,
                        requestId,
                        RunKind.of(kind),
                        MigrationOutcome.failed(null, null, "SCHEMA_OWNED_BY_OTHER_TENANT", foreign.get()),
                        started,
                        now());
            }
        }
        metrics.migrationStarted();
        try {
            MigrationOutcome outcome =
                    kind == MigrationKind.NEW ? create(schema, targetVersion) : upgrade(schema, targetVersion);
            MigrationRun run =
                    MigrationRun.migration(tenantId, schemaName, requestId, RunKind.of(kind), outcome, started, now());
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

    private static boolean isKnown(String version, MigrationCatalog catalog) {
        MigrationVersion wanted = MigrationVersion.fromVersion(version);
        return catalog.migrations().stream()
                .anyMatch(
                        script -> MigrationVersion.fromVersion(script.version()).compareTo(wanted) == 0);
    }

    /**
     * Records this request's tenant as the schema's owner before a new tenant's schema is built or
     * an upgrade runs: under the schema's lock, so the spare renamed into place or the schema
     * created next is already known to be this tenant's. An upgrade with a target version pins the
     * schema there; one without unpins it.
     *
     * @return why not, when the schema belongs to another tenant
     */
    private Optional<String> claim(
            TenantSchema schema,
            String tenantId,
            String requestId,
            Instant requestTime,
            MigrationKind kind,
            String targetVersion)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                SchemaLock.lockForTransaction(c, schema);
                Optional<String> owner = ownerOf(c, schema);
                if (owner.isPresent() && !owner.get().equals(tenantId)) {
                    return Optional.of("Schema " + schema.name() + " belongs to tenant " + owner.get()
                            + ", not to tenant " + tenantId + "; nothing was changed");
                }
                if (kind == MigrationKind.NEW) {
                    owners.record(c, schema, tenantId, requestId, requestTime);
                } else if (schemas.exists(c, schema)) {
                    owners.recordUpgrade(c, schema, tenantId, requestId, requestTime, targetVersion);
                }
                return Optional.<String>empty();
            });
        }
    }

    /** The recorded owner, or for a schema made before owners were recorded the tenant of its run log. */
    private Optional<String> ownerOf(Connection connection, TenantSchema schema) throws SQLException {
        Optional<Owner> owner = owners.find(connection, schema);
        return owner.isPresent() ? owner.map(Owner::tenantId) : owners.ownerFromRunLog(connection, schema);
    }

    /**
     * Why a rollback or deletion must leave the schema alone: it belongs to another tenant, or
     * this tenant changed it through a request sent after this one.
     */
    private Optional<String> whyNotYours(
            Connection connection, TenantSchema schema, String tenantId, EventEnvelope<?> request) throws SQLException {
        Optional<Owner> recorded = owners.find(connection, schema);
        Optional<String> owner =
                recorded.isPresent() ? recorded.map(Owner::tenantId) : owners.ownerFromRunLog(connection, schema);
        if (owner.isPresent() && !owner.get().equals(tenantId)) {
            return Optional.of("Schema " + schema.name() + " belongs to tenant " + owner.get() + ", not to tenant "
                    + tenantId + "; nothing was changed");
        }
        Instant sent = sentAt(request);
        if (recorded.isPresent()
                && recorded.get().requestTime() != null
                && sent != null
                && sent.isBefore(recorded.get().requestTime())) {
            return Optional.of("Request " + request.id() + " was sent before request "
                    + recorded.get().requestId() + ", which last changed schema " + schema.name()
                    + "; nothing was changed");
        }
        return Optional.empty();
    }

    private static Instant sentAt(EventEnvelope<?> request) {
        return request.time() == null ? null : request.time().toInstant();
    }

    private static boolean isLatest(String targetVersion, MigrationCatalog catalog) {
        return targetVersion == null
                || catalog.latest() != null
                        && MigrationVersion.fromVersion(targetVersion)
                                .equals(MigrationVersion.fromVersion(catalog.latest()));
    }

    /** Upgrades go through Flyway, which validates the applied history's checksums first. */
    private MigrationOutcome upgrade(TenantSchema schema, String targetVersion) throws SQLException {
        try (SchemaLock lock = SchemaLock.acquire(dataSource, schema)) {
            if (!schemaExists(schema)) {
                // Never build a tenant from nothing on an upgrade: its data would be silently gone.
                return MigrationOutcome.failed(
                        null,
                        null,
                        "SCHEMA_MISSING",
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
        record Dropped(boolean existed, String skipped) {}
        Dropped dropped;
        try (SchemaLock lock = SchemaLock.acquire(dataSource, schema);
                Connection connection = dataSource.getConnection()) {
            dropped = Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                Optional<String> skip = whyNotYours(c, schema, r.tenantId(), request);
                if (skip.isPresent()) {
                    return new Dropped(schemas.exists(c, schema), skip.get());
                }
                boolean existed = schemas.drop(c, schema);
                versions.forget(c, schema);
                owners.forget(c, schema);
                return new Dropped(existed, null);
            });
        }
        if (dropped.skipped() != null) {
            LOG.warnf("Rollback %s of tenant %s changed nothing: %s", request.id(), r.tenantId(), dropped.skipped());
        } else {
            LOG.infof(
                    "Rolled back tenant %s: schema %s %s",
                    r.tenantId(), schema.name(), dropped.existed() ? "dropped" : "was already gone");
        }
        return MigrationRun.rollback(
                r.tenantId(), schema.name(), request.id(), dropped.existed(), dropped.skipped(), started, now());
    }

    /**
     * Archives the tenant's schema (renamed aside with its owner record). A deletion always ends
     * with an archive to name: the one an earlier delivery made, or, when the tenant's schema is
     * not there at all, an empty schema under the archive name, reported as such.
     */
    private MigrationRun delete(EventEnvelope<?> request, TenantDeletionRequested r) throws SQLException {
        Instant started = now();
        TenantSchema schema = requireTenantSchema(r.slug(), r.schema());
        record Archived(TenantSchema archive, boolean existed, String skipped) {}
        Archived archived;
        try (SchemaLock lock = SchemaLock.acquire(dataSource, schema);
                Connection connection = dataSource.getConnection()) {
            archived = Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                Optional<String> skip = whyNotYours(c, schema, r.tenantId(), request);
                if (skip.isEmpty() && schemas.exists(c, schema)) {
                    TenantSchema archive = TenantSchemaRepository.archiveName(r.slug(), started.getEpochSecond());
                    schemas.rename(c, schema, archive);
                    versions.forget(c, schema);
                    if (owners.find(c, schema).isEmpty()) {
                        owners.record(c, schema, r.tenantId(), request.id(), sentAt(request));
                    }
                    owners.move(c, schema, archive);
                    return new Archived(archive, true, null);
                }
                // Already archived by an earlier delivery whose result was lost: report that archive.
                Optional<TenantSchema> earlier = owners.archiveOf(c, r.tenantId());
                if (earlier.isPresent()) {
                    return new Archived(earlier.get(), true, skip.orElse(null));
                }
                TenantSchema empty = TenantSchemaRepository.archiveName(r.slug(), started.getEpochSecond());
                schemas.create(c, empty);
                owners.record(c, empty, r.tenantId(), request.id(), sentAt(request));
                return new Archived(empty, false, skip.orElse(null));
            });
        }
        if (archived.skipped() != null) {
            LOG.warnf("Deletion %s of tenant %s changed nothing: %s", request.id(), r.tenantId(), archived.skipped());
        } else {
            LOG.infof(
                    "Deleted tenant %s: schema %s %s %s",
                    r.tenantId(),
                    schema.name(),
                    archived.existed() ? "archived as" : "was not there; empty archive",
                    archived.archive().name());
        }
        return MigrationRun.deletion(
                r.tenantId(),
                schema.name(),
                request.id(),
                archived.archive().name(),
                archived.existed(),
                archived.skipped(),
                started,
                now());
    }

    /**
     * Records the run and the processed request in one transaction.
     *
     * @return false when the request had already been recorded (by a concurrent delivery)
     */
    private boolean record(String requestId, MigrationRun run) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
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
        if (previous.isPresent()
                && previous.get().isDeletionWithoutArchive()
                && request.data() instanceof TenantDeletionRequested deletion) {
            // Recorded by an older release that had no archive to name, so it never got an answer.
            MigrationRun finished = delete(request, deletion);
            try (Connection connection = dataSource.getConnection()) {
                runs.updateOutcome(connection, request.id(), finished);
            }
            results.publish(request, finished.toResult());
        } else if (previous.isPresent()) {
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
        return expected.equals(schemaName)
                ? Optional.empty()
                : Optional.of(
                        "Schema " + schemaName + " does not belong to slug " + slug + " (expected " + expected + ")");
    }

    private static TenantSchema requireTenantSchema(String slug, String schemaName) {
        checkSchemaMatchesSlug(slug, schemaName).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        return new TenantSchema(schemaName);
    }
}
