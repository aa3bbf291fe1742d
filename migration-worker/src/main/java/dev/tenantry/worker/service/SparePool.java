package dev.tenantry.worker.service;

import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.scheduling.BackgroundTasks;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationOutcome;
import dev.tenantry.worker.repository.SpareSchemaRepository;
import dev.tenantry.worker.repository.TenantSchemaRepository;
import dev.tenantry.worker.repository.TenantVersionRepository;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Keeps complete tenant schemas ready so a signup does not wait for its tables to be built.
 *
 * <p>In the background each spare is built by the direct path under a {@code tenantry_spare_*}
 * name and registered with the release (digest of all migrations) it holds. A new tenant takes the
 * oldest spare of the current release and renames it to {@code tenant_<slug>} in one transaction
 * (register row gone, schema renamed, version index moved): afterwards it is indistinguishable from
 * a tenant built on request, history table included. Spares of another release are never handed
 * out; they are dropped and rebuilt. Without a spare (pool empty, a target version other than the
 * latest, migrations that are not plain SQL) the caller builds the schema itself, as before.
 *
 * <p>Only one worker refills at a time (a session advisory lock), so the pool does not overshoot,
 * and only while no signup has come for {@code refill-after-idle}: a spare costs as much to build
 * as the signup it saves, so it is built in the pauses between signups, never during a burst.
 */
@ApplicationScoped
public class SparePool {

    private static final Logger LOG = Logger.getLogger(SparePool.class);
    private static final TenantSchema REFILL_LOCK = new TenantSchema("tenantry_spare_pool_refill");

    private final AgroalDataSource dataSource;
    private final TenantMigrator migrator;
    private final DirectMigrator directMigrator;
    private final TenantSchemaRepository schemas;
    private final TenantVersionRepository versions;
    private final SpareSchemaRepository spares;
    private final MigrationMetrics metrics;
    private final WorkerConfig.SparePool config;
    private final AtomicBoolean refillQueued = new AtomicBoolean();
    private volatile long lastDemandNanos = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile String failedRelease;
    private ScheduledExecutorService scheduler;

    public SparePool(
            AgroalDataSource dataSource,
            TenantMigrator migrator,
            DirectMigrator directMigrator,
            TenantSchemaRepository schemas,
            TenantVersionRepository versions,
            SpareSchemaRepository spares,
            MigrationMetrics metrics,
            WorkerConfig config) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.directMigrator = directMigrator;
        this.schemas = schemas;
        this.versions = versions;
        this.spares = spares;
        this.metrics = metrics;
        this.config = config.sparePool();
    }

    void onStart(@Observes StartupEvent start) {
        if (config.size() <= 0) {
            return;
        }
        scheduler = BackgroundTasks.scheduler("spare-pool");
        long interval = config.refillInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::refillQuietly, 0, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /**
     * Gives the new tenant a ready spare: renamed to its schema and tracked. Empty when the pool is
     * off or has no spare of this catalog's release, or when the schema already exists (a repeated
     * request: the caller's build path finds the work done).
     */
    public Optional<MigrationOutcome> take(TenantSchema schema, MigrationCatalog catalog) throws SQLException {
        if (config.size() <= 0) {
            return Optional.empty();
        }
        lastDemandNanos = System.nanoTime();
        Optional<String> taken;
        try (Connection connection = dataSource.getConnection()) {
            taken = Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                SchemaLock.lockForTransaction(c, schema);
                Optional<String> spare =
                        schemas.exists(c, schema) ? Optional.empty() : spares.takeOldest(c, catalog.release());
                if (spare.isPresent()) {
                    TenantSchema from = new TenantSchema(spare.get());
                    schemas.rename(c, from, schema);
                    versions.forget(c, from);
                    versions.track(c, schema, migrator.historyTable());
                }
                return spare;
            });
        }
        metrics.spareTaken(taken.isPresent());
        requestRefill();
        return taken.map(spare -> {
            LOG.debugf("Schema %s made from spare %s", schema.name(), spare);
            return MigrationOutcome.succeeded(
                    null, catalog.latest(), catalog.migrations().size());
        });
    }

    /**
     * Tops the pool up to its size with spares of the current release, after dropping spares of
     * other releases and ones a crashed worker left unregistered.
     *
     * @return how many spares were built; 0 also when another worker is refilling
     */
    public int refill() throws SQLException {
        MigrationCatalog catalog = migrator.catalog();
        String release = catalog.release();
        if (config.size() <= 0
                || !catalog.directlyApplicable()
                || catalog.migrations().isEmpty()
                || release.equals(failedRelease)) {
            return 0;
        }
        try (Connection lock = dataSource.getConnection()) {
            if (!tryLock(lock, "pg_try_advisory_lock")) {
                return 0;
            }
            try {
                discardUnusable(release);
                int built = 0;
                while (quietForLongEnough() && ready(release) < config.size() && build(catalog, release)) {
                    built++;
                }
                return built;
            } finally {
                tryLock(lock, "pg_advisory_unlock");
            }
        }
    }

    /** Spares ready for the current migrations. */
    public int ready() throws SQLException {
        return ready(migrator.catalog().release());
    }

    private int ready(String release) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            int ready = spares.count(connection, release);
            metrics.sparesReady(ready);
            return ready;
        }
    }

    private boolean build(MigrationCatalog catalog, String release) throws SQLException {
        TenantSchema spare = new TenantSchema(SpareSchemaRepository.PREFIX
                + HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong())));
        MigrationOutcome outcome = directMigrator.create(spare, catalog);
        try (Connection connection = dataSource.getConnection()) {
            if (!outcome.succeeded()) {
                // Requests meet the same failure and report it; retrying every interval would only spam.
                failedRelease = release;
                LOG.warnf(
                        "Spare pool: building a spare failed at version %s (%s); no spares for this release",
                        outcome.failedVersion(), outcome.errorMessage());
                schemas.drop(connection, spare);
                versions.forget(connection, spare);
                return false;
            }
            Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                spares.add(c, spare.name(), release, catalog.latest());
                versions.forget(c, spare);
                return null;
            });
            return true;
        }
    }

    private void discardUnusable(String release) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            List<String> stale = Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                List<String> unusable = spares.removeOtherReleases(c, release);
                unusable.addAll(spares.unregistered(c));
                for (String name : unusable) {
                    TenantSchema spare = new TenantSchema(name);
                    schemas.drop(c, spare);
                    versions.forget(c, spare);
                }
                return unusable;
            });
            if (!stale.isEmpty()) {
                LOG.infof(
                        "Spare pool: dropped %d spare(s) built from other migrations or left unregistered",
                        stale.size());
            }
        }
    }

    private boolean quietForLongEnough() {
        return System.nanoTime() - lastDemandNanos >= config.refillAfterIdle().toNanos();
    }

    /** Refills once signups have paused (a refill that finds them still coming stops and is asked again). */
    private void requestRefill() {
        if (scheduler != null && refillQueued.compareAndSet(false, true)) {
            scheduler.schedule(
                    () -> {
                        refillQueued.set(false);
                        if (quietForLongEnough()) {
                            refillQuietly();
                        } else {
                            requestRefill();
                        }
                    },
                    config.refillAfterIdle().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void refillQuietly() {
        try {
            refill();
        } catch (Exception e) {
            LOG.warnf("Spare pool refill failed, will try again: %s", e.getMessage());
        }
    }

    private static boolean tryLock(Connection connection, String function) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
            lock.setInt(1, SchemaLock.NAMESPACE);
            lock.setString(2, REFILL_LOCK.name());
            try (ResultSet rows = lock.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        return bytes;
    }
}
