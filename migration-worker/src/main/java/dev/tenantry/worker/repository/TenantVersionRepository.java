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
 * Reads the version of every tenant schema straight from the Flyway history tables: one catalog
 * query finds the schemas, then one UNION ALL statement per chunk reads their history tables.
 * Chunking keeps each statement within PostgreSQL's default stack depth and lock budget, which a
 * single statement over ten thousand tables exceeds.
 */
@ApplicationScoped
public class TenantVersionRepository {

    static final int CHUNK = 500;

    /** A tenant schema and whether Flyway's history table exists in it. */
    public record SchemaEntry(String schema, boolean hasHistory) {
    }

    public List<SchemaEntry> tenantSchemas(Connection connection, String historyTable) throws SQLException {
        String sql = """
                SELECT n.nspname, c.oid IS NOT NULL
                FROM pg_namespace n
                LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = ? AND c.relkind IN ('r', 'p')
                WHERE n.nspname LIKE 'tenant\\_%'
                ORDER BY n.nspname
                """;
        List<SchemaEntry> entries = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, historyTable);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new SchemaEntry(rows.getString(1), rows.getBoolean(2)));
                }
            }
        }
        return entries;
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
            sql.append("SELECT '").append(schema.name()).append("'::text, (SELECT version FROM ")
                    .append(schema.quoted()).append('.').append(table.quoted())
                    .append(" WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1)");
        }
        return sql.toString();
    }

    /** Latest new/upgrade run per schema that the worker still owns, with the tenant id it served. */
    public record LastRun(String tenantId, String schema, String kind, boolean succeeded, String failedVersion,
                          String errorCode, String errorMessage) {
    }

    public List<LastRun> lastRuns(Connection connection) throws SQLException {
        String sql = """
                SELECT DISTINCT ON (schema_name) tenant_id, schema_name, kind, status = 'succeeded',
                       failed_version, error_code, error_message
                FROM migration_run
                ORDER BY schema_name, id DESC
                """;
        List<LastRun> runs = new ArrayList<>();
        try (Statement select = connection.createStatement(); ResultSet rows = select.executeQuery(sql)) {
            while (rows.next()) {
                runs.add(new LastRun(rows.getString(1), rows.getString(2), rows.getString(3), rows.getBoolean(4),
                        rows.getString(5), rows.getString(6), rows.getString(7)));
            }
        }
        return runs;
    }
}
