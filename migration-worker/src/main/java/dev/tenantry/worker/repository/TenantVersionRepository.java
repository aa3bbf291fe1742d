package dev.tenantry.worker.repository;

import dev.tenantry.contracts.tenant.TenantSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Knows the version of every tenant schema. One catalog query finds the schemas and, for those
 * whose history table is tracked by trigger, their version from the shared index; the others
 * are read straight from their history tables, one UNION ALL statement per chunk.
 * Chunking keeps each statement within PostgreSQL's default stack depth and lock budget, which a
 * single statement over ten thousand tables exceeds.
 */
@ApplicationScoped
public class TenantVersionRepository {

    static final int CHUNK = 500;

    static final String TRIGGER = "tenantry_track_version";

    static final String LAST_RUNS = """
            SELECT tenant_id, schema_name, kind, status = 'succeeded', failed_version, error_code, error_message
            FROM migration_run_latest
            """;

    /**
     * A tenant schema, whether Flyway's history table exists in it, and its version from the
     * shared index when the index can be trusted for it (its history table carries the enabled
     * tracking trigger and the index has a row); otherwise {@code tracked} is false.
     */
    public record SchemaEntry(String schema, boolean hasHistory, boolean tracked, String indexedVersion) {}

    /**
     * Every tenant schema with its history table, trigger and indexed version: three joins that
     * PostgreSQL must run as hash or merge joins ({@link #LINEAR_JOINS}). Every tenant's history
     * table has the same name, and a fleet grown faster than autovacuum analyzes the catalogs
     * leaves pg_namespace estimated at one row; the planner then chose a nested loop that read
     * every history table in the database once per schema, n² rows: over eight seconds of CPU per
     * verify at 10,000 tenants, run again by the readiness check every 10 s. Per-schema index
     * probes (LATERAL ... LIMIT 1) avoided that too, but cost twice the hash join when the
     * statistics are right (86-137 ms against 37-80 at 13,000 schemas).
     */
    static final String TENANT_SCHEMAS = """
            SELECT n.nspname, c.oid IS NOT NULL,
                   t.oid IS NOT NULL AND t.tgenabled <> 'D' AND v.schema_name IS NOT NULL, v.version
            FROM pg_namespace n
            LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = ? AND c.relkind IN ('r', 'p')
            LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = ?
            LEFT JOIN tenant_schema_version v ON v.schema_name = n.nspname
            WHERE n.nspname LIKE 'tenant\\_%'
            ORDER BY n.nspname
            """;

    /** Session setting under which {@link #TENANT_SCHEMAS} runs: no nested loops, so linear whatever the statistics. */
    static final String LINEAR_JOINS = "SET enable_nestloop = off";

    public List<SchemaEntry> tenantSchemas(Connection connection, String historyTable) throws SQLException {
        List<SchemaEntry> entries = new ArrayList<>();
        try (Statement setting = connection.createStatement()) {
            setting.execute(LINEAR_JOINS);
            try (PreparedStatement select = connection.prepareStatement(TENANT_SCHEMAS)) {
                select.setString(1, historyTable);
                select.setString(2, TRIGGER);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new SchemaEntry(
                                rows.getString(1), rows.getBoolean(2), rows.getBoolean(3), rows.getString(4)));
                    }
                }
            } finally {
                setting.execute("RESET enable_nestloop");
            }
        }
        return entries;
    }

    /**
     * Puts the tracking trigger on a tenant's history table and records its current version in
     * the index. Idempotent; called after every migration of the schema.
     */
    public void track(Connection connection, TenantSchema schema, String historyTable) throws SQLException {
        TenantSchema table = new TenantSchema(historyTable);
        String qualified = schema.quoted() + "." + table.quoted();
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE OR REPLACE TRIGGER " + TRIGGER + " AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                    + qualified + " FOR EACH STATEMENT EXECUTE FUNCTION public.tenantry_track_schema_version()");
        }
        try (PreparedStatement refresh = connection.prepareStatement("""
                INSERT INTO tenant_schema_version (schema_name, version, updated_at)
                VALUES (?, (SELECT version FROM %s WHERE success AND version IS NOT NULL
                            ORDER BY installed_rank DESC LIMIT 1), now())
                ON CONFLICT (schema_name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
                """.formatted(qualified))) {
            refresh.setString(1, schema.name());
            refresh.executeUpdate();
        }
    }

    /** Forgets a schema that was dropped or archived. */
    public void forget(Connection connection, TenantSchema schema) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM tenant_schema_version WHERE schema_name = ?")) {
            delete.setString(1, schema.name());
            delete.executeUpdate();
        }
    }

    /** Current (last successfully applied) version per schema; schemas with an empty history map to null. */
    public Map<String, String> currentVersions(Connection connection, List<String> schemas, String historyTable)
            throws SQLException {
        TenantSchema table = new TenantSchema(historyTable);
        Map<String, String> versions = new HashMap<>();
        for (int from = 0; from < schemas.size(); from += CHUNK) {
            List<String> chunk = schemas.subList(from, Math.min(from + CHUNK, schemas.size()));
            try (Statement select = connection.createStatement();
                    ResultSet rows = select.executeQuery(unionQuery(chunk, table))) {
                while (rows.next()) {
                    versions.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return versions;
    }

    private static String unionQuery(List<String> schemas, TenantSchema table) {
        StringBuilder sql = new StringBuilder(schemas.size() * 160);
        for (String name : schemas) {
            TenantSchema schema = new TenantSchema(name);
            if (sql.length() > 0) {
                sql.append(" UNION ALL ");
            }
            sql.append("SELECT '")
                    .append(schema.name())
                    .append("'::text, (SELECT version FROM ")
                    .append(schema.quoted())
                    .append('.')
                    .append(table.quoted())
                    .append(" WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1)");
        }
        return sql.toString();
    }

    /** Latest run per schema that the worker still owns, with the tenant id it served. */
    public record LastRun(
            String tenantId,
            String schema,
            String kind,
            boolean succeeded,
            String failedVersion,
            String errorCode,
            String errorMessage) {}

    /**
     * Reads the per-schema table the run log keeps by trigger: one row per schema, however many runs
     * the log holds (the readiness check calls this every 10 s).
     */
    public List<LastRun> lastRuns(Connection connection) throws SQLException {
        String sql = LAST_RUNS;
        List<LastRun> runs = new ArrayList<>();
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(sql)) {
            while (rows.next()) {
                runs.add(new LastRun(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        rows.getBoolean(4),
                        rows.getString(5),
                        rows.getString(6),
                        rows.getString(7)));
            }
        }
        return runs;
    }
}
