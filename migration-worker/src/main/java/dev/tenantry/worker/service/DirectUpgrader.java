package dev.tenantry.worker.service;

import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.support.persistence.TransientFailures;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationOutcome;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The fleet upgrade's fast path: applies pending plain-SQL migrations to one existing tenant
 * schema over a single connection, writing the same Flyway history rows (rank, version,
 * description, script, checksum) Flyway itself would, so Flyway validates the schema afterwards.
 * It exists because starting Flyway once per tenant costs far more than the DDL of a typical
 * release; it is used only when the catalog says every script is plain transactional SQL.
 *
 * <p>Semantics match Flyway's on PostgreSQL: one transaction per migration, so a failing
 * migration leaves the schema at the previous version. The tenant's advisory lock is taken per
 * transaction, so it excludes request-driven migrations of the same schema.
 */
@ApplicationScoped
public class DirectUpgrader {

    private final AgroalDataSource dataSource;
    private final TenantMigrator migrator;

    public DirectUpgrader(AgroalDataSource dataSource, TenantMigrator migrator) {
        this.dataSource = dataSource;
        this.migrator = migrator;
    }

    public MigrationOutcome upgrade(TenantSchema schema, MigrationCatalog catalog) throws SQLException {
        TenantSchema history = new TenantSchema(migrator.historyTable());
        String table = schema.quoted() + "." + history.quoted();
        String from = null;
        String current = null;
        int applied = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (MigrationCatalog.Script script : catalog.migrations()) {
                    lock(connection, schema);
                    HistoryState state = readHistory(connection, table);
                    if (applied == 0) {
                        from = state.version();
                    }
                    current = state.version();
                    if (current != null && !MigrationVersion.fromVersion(script.version())
                            .isNewerThan(MigrationVersion.fromVersion(current))) {
                        connection.rollback();
                        continue;
                    }
                    try {
                        long start = System.nanoTime();
                        try (Statement ddl = connection.createStatement()) {
                            ddl.execute("SET LOCAL search_path TO " + schema.quoted());
                            ddl.execute(script.sql());
                        }
                        insertHistory(connection, table, state.nextRank(), script,
                                (int) ((System.nanoTime() - start) / 1_000_000));
                        connection.commit();
                        current = script.version();
                        applied++;
                    } catch (SQLException e) {
                        connection.rollback();
                        if (TransientFailures.isTransient(e)) {
                            throw e;
                        }
                        return MigrationOutcome.failed(current, script.version(), "MIGRATION_SQL_ERROR",
                                "SQL state " + e.getSQLState() + ": " + e.getMessage());
                    }
                }
            } finally {
                if (!connection.isClosed()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            }
        }
        return MigrationOutcome.succeeded(from, current, applied);
    }

    private static void lock(Connection connection, TenantSchema schema) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, SchemaLock.NAMESPACE);
            lock.setString(2, schema.name());
            lock.execute();
        }
    }

    private record HistoryState(String version, int nextRank) {
    }

    private static HistoryState readHistory(Connection connection, String table) throws SQLException {
        String sql = "SELECT (SELECT version FROM " + table + " WHERE success AND version IS NOT NULL"
                + " ORDER BY installed_rank DESC LIMIT 1), (SELECT coalesce(max(installed_rank), 0) + 1 FROM " + table + ")";
        try (Statement select = connection.createStatement(); ResultSet rows = select.executeQuery(sql)) {
            rows.next();
            return new HistoryState(rows.getString(1), rows.getInt(2));
        }
    }

    private static void insertHistory(Connection connection, String table, int rank, MigrationCatalog.Script script,
                                      int executionMs) throws SQLException {
        String sql = "INSERT INTO " + table + " (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (?, ?, ?, 'SQL', ?, ?, current_user, ?, true)";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setInt(1, rank);
            insert.setString(2, script.version());
            insert.setString(3, script.description());
            insert.setString(4, script.script());
            if (script.checksum() == null) {
                insert.setNull(5, java.sql.Types.INTEGER);
            } else {
                insert.setInt(5, script.checksum());
            }
            insert.setInt(6, executionMs);
            insert.executeUpdate();
        }
    }

    /** Versions in the catalog newer than the given one. */
    static List<MigrationCatalog.Script> pendingAfter(MigrationCatalog catalog, String current) {
        if (current == null) {
            return catalog.migrations();
        }
        MigrationVersion at = MigrationVersion.fromVersion(current);
        return catalog.migrations().stream()
                .filter(s -> MigrationVersion.fromVersion(s.version()).isNewerThan(at)).toList();
    }
}
