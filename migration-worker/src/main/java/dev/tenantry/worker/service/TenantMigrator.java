package dev.tenantry.worker.service;

import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.support.persistence.TransientFailures;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationOutcome;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Runs the tenant migrations for exactly one tenant schema with Flyway: search path and history
 * table inside that schema, one transaction per migration (so a failing migration leaves the
 * schema at its previous version), validation on migrate (checksum mismatches are refused).
 */
@ApplicationScoped
public class TenantMigrator {

    /** A schema name no tenant can have: used to ask Flyway which migrations exist. */
    private static final String PROBE_SCHEMA = "tenantry_migration_probe";

    private final AgroalDataSource dataSource;
    private final WorkerConfig config;
    private final SessionRenewal sessionRenewal;
    private volatile CachedResolution cached;

    public TenantMigrator(AgroalDataSource dataSource, WorkerConfig config, SessionRenewal sessionRenewal) {
        this.dataSource = dataSource;
        this.config = config;
        this.sessionRenewal = sessionRenewal;
    }

    /**
     * Migrates the (already created) schema to the latest version. Transient failures (database
     * unreachable, lock timeouts) are thrown for the caller to retry; permanent ones come back as
     * a failed outcome.
     *
     * @param targetVersion stop at this version; null for the latest
     */
    public MigrationOutcome migrate(TenantSchema schema, String targetVersion) {
        Flyway flyway = targetVersion == null
                ? flyway(schema.name())
                : Flyway.configure(Thread.currentThread().getContextClassLoader())
                        .configuration(flyway(schema.name()).getConfiguration())
                        .target(MigrationVersion.fromVersion(targetVersion))
                        .load();
        String before = currentVersion(flyway);
        try {
            MigrateResult result = flyway.migrate();
            String after = result.targetSchemaVersion != null ? result.targetSchemaVersion : before;
            return MigrationOutcome.succeeded(before, after, result.migrationsExecuted);
        } catch (FlywayMigrateException e) {
            rethrowIfTransient(e);
            String failed = Optional.ofNullable(e.getMigration())
                    .map(MigrationInfo::getVersion)
                    .map(MigrationVersion::getVersion)
                    .orElse(null);
            return MigrationOutcome.failed(
                    currentVersion(flyway), failed, "MIGRATION_SQL_ERROR", describe(e, e.getSqlState()));
        } catch (FlywayValidateException e) {
            rethrowIfTransient(e);
            return MigrationOutcome.failed(
                    currentVersion(flyway), null, "VALIDATION_FAILED", firstLines(e.getMessage()));
        } catch (FlywayException e) {
            rethrowIfTransient(e);
            return MigrationOutcome.failed(currentVersion(flyway), null, "MIGRATION_ERROR", firstLines(e.getMessage()));
        } finally {
            sessionRenewal.tenantSchemaChanged();
        }
    }

    /** The highest version among the configured tenant migrations, null if there are none. */
    public String latestVersion() {
        return Arrays.stream(flyway(PROBE_SCHEMA).info().all())
                .map(MigrationInfo::getVersion)
                .filter(v -> v != null)
                .max(Comparator.naturalOrder())
                .map(MigrationVersion::getVersion)
                .orElse(null);
    }

    /** All configured tenant migrations, in order, as Flyway resolves them. */
    private MigrationInfo[] resolvedMigrations() {
        return flyway(PROBE_SCHEMA).info().all();
    }

    /**
     * The migrations with their SQL text, for the direct path. Resolving them through Flyway
     * takes tens of milliseconds, too much to repeat for every signup or drift check, so the
     * result is kept as long as the locations look the same: classpath locations cannot change
     * while the worker runs, and filesystem locations are compared by their files' names, sizes
     * and modification times, so a migration dropped into one is seen on the next call.
     */
    public MigrationCatalog catalog() {
        return resolved().catalog();
    }

    /**
     * Every versioned migration's version, in order, SQL or not (the catalog leaves out what it
     * cannot apply directly): what drift is measured against. Kept like {@link #catalog()}.
     */
    public List<String> versions() {
        return resolved().versions();
    }

    private Resolved resolved() {
        Optional<String> fingerprint = locationsFingerprint();
        CachedResolution known = cached;
        if (known != null && fingerprint.isPresent() && known.fingerprint().equals(fingerprint.get())) {
            return known.resolved();
        }
        Resolved resolved = resolve();
        // A file changed between fingerprint and resolution only makes the next call resolve again.
        fingerprint.ifPresent(f -> cached = new CachedResolution(f, resolved));
        return resolved;
    }

    private record Resolved(MigrationCatalog catalog, List<String> versions) {}

    private record CachedResolution(String fingerprint, Resolved resolved) {}

    /** Empty when a location cannot be fingerprinted (not classpath or filesystem): never cache then. */
    private Optional<String> locationsFingerprint() {
        StringBuilder fingerprint = new StringBuilder();
        for (String location : config.tenantMigrations().locations()) {
            fingerprint.append(location).append('\n');
            if (location.startsWith("filesystem:")) {
                Path dir = Path.of(location.substring("filesystem:".length()));
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        fingerprint
                                .append(file)
                                .append(' ')
                                .append(Files.size(file))
                                .append(' ')
                                .append(Files.getLastModifiedTime(file).toMillis())
                                .append('\n');
                    }
                } catch (IOException | UncheckedIOException e) {
                    return Optional.empty();
                }
            } else if (location.contains(":") && !location.startsWith("classpath:")) {
                return Optional.empty();
            }
        }
        return Optional.of(fingerprint.toString());
    }

    private Resolved resolve() {
        List<MigrationCatalog.Script> scripts = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        boolean direct = true;
        for (MigrationInfo info : resolvedMigrations()) {
            if (info.getVersion() != null) {
                versions.add(info.getVersion().getVersion());
            }
            if (info.getVersion() == null || !"SQL".equals(info.getType().name())) {
                direct = false;
                continue;
            }
            Optional<String> sql = readScript(info);
            if (sql.isEmpty()) {
                direct = false;
                continue;
            }
            MigrationCatalog.Script script = new MigrationCatalog.Script(
                    info.getVersion().getVersion(),
                    info.getDescription(),
                    info.getScript(),
                    info.getChecksum(),
                    sql.get());
            direct &= script.isPlainTransactionalSql();
            scripts.add(script);
        }
        versions.sort((a, b) -> MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b)));
        return new Resolved(new MigrationCatalog(List.copyOf(scripts), direct), List.copyOf(versions));
    }

    private Optional<String> readScript(MigrationInfo info) {
        try {
            String physical = info.getPhysicalLocation();
            if (physical != null && !physical.isBlank() && Files.isRegularFile(Path.of(physical))) {
                return Optional.of(Files.readString(Path.of(physical), StandardCharsets.UTF_8));
            }
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            for (String location : config.tenantMigrations().locations()) {
                String base = location.startsWith("classpath:")
                        ? location.substring("classpath:".length())
                        : location.contains(":") ? null : location;
                if (base == null) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream(base.replaceAll("/$", "") + "/" + info.getScript())) {
                    if (in != null) {
                        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String historyTable() {
        return config.tenantMigrations().historyTable();
    }

    private Flyway flyway(String schema) {
        return Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(false)
                .table(config.tenantMigrations().historyTable())
                .locations(config.tenantMigrations().locations().toArray(String[]::new))
                .failOnMissingLocations(false)
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .group(false)
                .mixed(false)
                .load();
    }

    private static String currentVersion(Flyway flyway) {
        MigrationInfo current = flyway.info().current();
        return current == null || current.getVersion() == null
                ? null
                : current.getVersion().getVersion();
    }

    private static void rethrowIfTransient(FlywayException e) {
        if (TransientFailures.isTransient(e)) {
            throw e;
        }
    }

    private static String describe(FlywayMigrateException e, String sqlState) {
        String base = firstLines(e.getMessage());
        return sqlState == null ? base : "SQL state " + sqlState + ": " + base;
    }

    // Flyway's messages carry the whole script location and stack-like detail; keep them readable.
    private static String firstLines(String message) {
        if (message == null) {
            return "unknown error";
        }
        String trimmed = message.strip();
        return trimmed.length() > 1000 ? trimmed.substring(0, 1000) + "..." : trimmed;
    }
}
