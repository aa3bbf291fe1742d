package dev.tenantry.worker.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The tenant migrations as resolved from the configured locations at one moment: what a fleet
 * upgrade applies. {@code directlyApplicable} says whether every migration is a plain versioned
 * SQL script that can run inside a transaction without Flyway's help (no placeholders, no
 * non-transactional statements, no callbacks), which allows the batched fleet path.
 */
public record MigrationCatalog(List<Script> migrations, boolean directlyApplicable) {

    /** One versioned SQL migration with what Flyway records about it in its history table. */
    public record Script(String version, String description, String script, Integer checksum, String sql) {

        /** Whether this script can be executed as-is in one transaction. */
        public boolean isPlainTransactionalSql() {
            String lower = sql.toLowerCase(Locale.ROOT);
            return !sql.contains("${") && !lower.contains("concurrently") && !lower.contains("vacuum");
        }
    }

    /** The same catalog ending at {@code targetVersion} (inclusive); itself when the target is null. */
    public MigrationCatalog upTo(String targetVersion) {
        if (targetVersion == null) {
            return this;
        }
        MigrationVersion target = MigrationVersion.fromVersion(targetVersion);
        return new MigrationCatalog(
                migrations.stream()
                        .filter(s -> !MigrationVersion.fromVersion(s.version()).isNewerThan(target))
                        .toList(),
                directlyApplicable);
    }

    /**
     * A digest of every script's version and checksum: two catalogs with the same release build
     * identical schemas. Spare schemas are matched to the catalog by it.
     */
    public String release() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Script script : migrations) {
                digest.update((script.version() + ':' + script.checksum() + ';').getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public String latest() {
        return migrations.isEmpty()
                ? null
                : migrations.get(migrations.size() - 1).version();
    }
}
