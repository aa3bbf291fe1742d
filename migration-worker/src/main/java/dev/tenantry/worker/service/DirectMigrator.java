package dev.tenantry.worker.service;

import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.persistence.TransientFailures;
import dev.tenantry.worker.model.MigrationCatalog;
import dev.tenantry.worker.model.MigrationOutcome;
import dev.tenantry.worker.repository.TenantSchemaRepository;
import dev.tenantry.worker.repository.TenantVersionRepository;
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
 * The fast path for new tenants and fleet upgrades: applies pending plain-SQL migrations to one
 * tenant schema over a single connection, writing the same Flyway history rows (rank, version,
 * description, script, checksum) Flyway itself would, so Flyway validates and migrates the schema
 * later as if it had built it. It exists because starting Flyway once per tenant (resolving,
 * scanning, validating) costs several times the DDL of the demo schema; it is used only when the
 * catalog says every script is plain transactional SQL.
 *
 * <p>Semantics match Flyway's on PostgreSQL: one transaction per migration, so a failing
 * migration leaves the schema at the previous version. The tenant's advisory lock is taken per
 * transaction, so it excludes request-driven migrations of the same schema.
 */
@ApplicationScoped
public class DirectMigrator {

    /**
     * Flyway's history table on PostgreSQL, column for column (Flyway 12 creates the same shape,
     * primary key {@code <table>_pk} and index {@code <table>_s_idx}); a test compares the two.
     */
    private static final String HISTORY_TABLE = """
            CREATE TABLE %1$s.%2$s (
                installed_rank integer       NOT NULL,
                version        varchar(50),
                description    varchar(200)  NOT NULL,
                type           varchar(20)   NOT NULL,
                script         varchar(1000) NOT NULL,
                checksum       integer,
                installed_by   varchar(100)  NOT NULL,
                installed_on   timestamp     NOT NULL DEFAULT now(),
                execution_time integer       NOT NULL,
                success        boolean       NOT NULL,
                CONSTRAINT %3$s PRIMARY KEY (installed_rank)
            );
            CREATE INDEX %4$s ON %1$s.%2$s (success);
            """;

    private final AgroalDataSource dataSource;
    private final TenantMigrator migrator;
    private final TenantSchemaRepository schemas;
    private final TenantVersionRepository versions;
    private final SessionRenewal sessionRenewal;

    public DirectMigrator(
            AgroalDataSource dataSource,
            TenantMigrator migrator,
            TenantSchemaRepository schemas,
            TenantVersionRepository versions,
            SessionRenewal sessionRenewal) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.schemas = schemas;
        this.versions = versions;
        this.sessionRenewal = sessionRenewal;
    }

    /**
     * Builds a new tenant: creates its schema and history table (tracked by the version index)
     * unless they exist, then applies every pending migration. Safe to repeat: a second run finds
     * the work done and applies nothing.
     */
    public MigrationOutcome create(TenantSchema schema, MigrationCatalog catalog) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                SchemaLock.lockForTransaction(c, schema);
                schemas.create(c, schema);
                if (!schemas.hasTable(c, schema, migrator.historyTable())) {
                    createHistoryTable(c, schema);
                }
                versions.track(c, schema, migrator.historyTable());
                return null;
            });
        }
        return upgrade(schema, catalog);
    }

    private void createHistoryTable(Connection connection, TenantSchema schema) throws SQLException {
        String table = migrator.historyTable();
        try (Statement ddl = connection.createStatement()) {
            ddl.execute(HISTORY_TABLE.formatted(
                    schema.quoted(),
                    new TenantSchema(table).quoted(),
                    quoteIdentifier(table + "_pk"),
                    quoteIdentifier(table + "_s_idx")));
        }
    }

    private static String quoteIdentifier(String name) {
        return new TenantSchema(name).quoted();
    }

    public MigrationOutcome upgrade(TenantSchema schema, MigrationCatalog catalog) throws SQLException {
        TenantSchema history = new TenantSchema(migrator.historyTable());
        String table = schema.quoted() + "." + history.quoted();
        String from = null;
        String current = null;
        int applied = 0;
        try (Connection connection = dataSource.getConnection()) {
            // Not service-support's Transactions: one session runs a chain of transactions (one
            // per script, the next reusing the lock-free gap between them), and a failed script
            // becomes an outcome to report, not an exception.
            connection.setAutoCommit(false);
            try {
                // The lock and the history are read once per transaction, not once per script: the
                // scripts a schema already has are skipped inside the transaction that holds the
                // lock, so an upgrade by one migration costs one transaction whatever the catalog's
                // length. After each commit the lock is gone, so the next script locks and reads again.
                HistoryState state = null;
                for (MigrationCatalog.Script script : catalog.migrations()) {
                    if (state == null) {
                        SchemaLock.lockForTransaction(connection, schema);
                        state = readHistory(connection, table);
                        if (applied == 0) {
                            from = state.version();
                        }
                        current = state.version();
                    }
                    if (current != null
                            && !MigrationVersion.fromVersion(script.version())
                                    .isNewerThan(MigrationVersion.fromVersion(current))) {
                        continue;
                    }
                    try {
                        long start = System.nanoTime();
                        try (Statement ddl = connection.createStatement()) {
                            ddl.execute("SET LOCAL search_path TO " + schema.quoted());
                            ddl.execute(script.sql());
                        }
                        insertHistory(connection, table, state.nextRank(), script, (int)
                                ((System.nanoTime() - start) / 1_000_000));
                        connection.commit();
                        current = script.version();
                        applied++;
                        state = null;
                    } catch (SQLException e) {
                        connection.rollback();
                        if (TransientFailures.isTransient(e)) {
                            throw e;
                        }
                        return MigrationOutcome.failed(
                                current,
                                script.version(),
                                "MIGRATION_SQL_ERROR",
                                "SQL state " + e.getSQLState() + ": " + e.getMessage());
                    }
                }
            } finally {
                // Ends the transaction that only read (and releases its lock) when nothing was pending.
                if (!connection.isClosed()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            }
        } finally {
            sessionRenewal.tenantSchemaChanged();
        }
        return MigrationOutcome.succeeded(from, current, applied);
    }

    private record HistoryState(String version, int nextRank) {}

    private static HistoryState readHistory(Connection connection, String table) throws SQLException {
        String sql = "SELECT (SELECT version FROM " + table + " WHERE success AND version IS NOT NULL"
                + " ORDER BY installed_rank DESC LIMIT 1), (SELECT coalesce(max(installed_rank), 0) + 1 FROM " + table
                + ")";
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(sql)) {
            rows.next();
            return new HistoryState(rows.getString(1), rows.getInt(2));
        }
    }

    private static void insertHistory(
            Connection connection, String table, int rank, MigrationCatalog.Script script, int executionMs)
            throws SQLException {
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
                .filter(s -> MigrationVersion.fromVersion(s.version()).isNewerThan(at))
                .toList();
    }
}
