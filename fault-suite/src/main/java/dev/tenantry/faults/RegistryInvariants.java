package dev.tenantry.faults;

import dev.tenantry.contracts.tenant.TenantSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The invariants PostgreSQL alone can answer: the registry against the tenant schemas, the
 * schemas' migration histories, the outbox.
 */
final class RegistryInvariants {

    /** Statuses a tenant rests in; every other one is waiting for something. */
    static final List<String> SETTLED = List.of("ACTIVE", "UPGRADE_FAILED", "ROLLED_BACK", "DELETED");

    private static final String LIVE = "t.status NOT IN ('ROLLED_BACK', 'DELETED')";
    private static final String TENANT_SCHEMAS = "SELECT nspname FROM pg_namespace WHERE nspname LIKE '"
            + TenantSchema.PREFIX.replace("_", "\\_") + "%' ORDER BY nspname";

    private final String historyTable;

    RegistryInvariants(String historyTable) {
        this.historyTable = historyTable;
    }

    List<String> tenantSchemas(Connection connection) throws SQLException {
        return strings(connection, TENANT_SCHEMAS);
    }

    int tenants(Connection connection) throws SQLException {
        return strings(connection, "SELECT id::text FROM tenant").size();
    }

    void check(Connection connection, List<Violation> violations) throws SQLException {
        for (String[] row : rows(
                connection,
                "SELECT n.nspname, '' FROM pg_namespace n WHERE n.nspname LIKE '"
                        + TenantSchema.PREFIX.replace("_", "\\_") + "%' AND NOT EXISTS (SELECT 1 FROM tenant t WHERE "
                        + "'" + TenantSchema.PREFIX + "' || t.slug = n.nspname AND " + LIVE + ")")) {
            violations.add(new Violation(
                    InvariantRule.ORPHAN_TENANT_SCHEMA, row[0], "no live tenant in the registry has this schema"));
        }
        for (String[] row : rows(
                connection,
                "SELECT t.id::text, t.slug, t.current_version FROM tenant t "
                        + "WHERE t.status = 'ACTIVE' ORDER BY t.created_at")) {
            String schema = TenantSchema.PREFIX + row[1];
            if (!schemaExists(connection, schema)) {
                violations.add(new Violation(
                        InvariantRule.ACTIVE_TENANT_WITHOUT_SCHEMA,
                        row[0],
                        "ACTIVE, but schema " + schema + " does not exist"));
                continue;
            }
            String applied = latestApplied(connection, schema);
            if (applied == null || !applied.equals(row[2])) {
                violations.add(new Violation(
                        InvariantRule.ACTIVE_TENANT_AT_WRONG_VERSION,
                        row[0],
                        "registry says " + row[2] + ", " + schema + "'s history ends at "
                                + (applied == null ? "nothing" : applied)));
            }
        }
        for (String[] row : rows(
                connection,
                "SELECT t.id::text, t.status, t.slug FROM tenant t WHERE t.status NOT IN ("
                        + String.join(
                                ", ", SETTLED.stream().map(s -> "'" + s + "'").toList()) + ") ORDER BY t.created_at")) {
            violations.add(new Violation(
                    InvariantRule.TENANT_NOT_SETTLED, row[0], "still " + row[1] + " (slug " + row[2] + ")"));
        }
        for (String[] row : rows(
                connection,
                "SELECT id::text, type, topic, created_at::text FROM provisioning_outbox " + "ORDER BY created_at")) {
            violations.add(new Violation(
                    InvariantRule.OUTBOX_NOT_RELAYED, row[0], row[1] + " for " + row[2] + ", written " + row[3]));
        }
        for (String schema : tenantSchemas(connection)) {
            if (!hasHistory(connection, schema)) {
                continue;
            }
            for (String[] row : rows(
                    connection,
                    "SELECT version, count(*)::text FROM " + quote(schema) + "."
                            + quote(historyTable) + " WHERE success AND version IS NOT NULL GROUP BY version "
                            + "HAVING count(*) > 1 ORDER BY version")) {
                violations.add(new Violation(
                        InvariantRule.MIGRATION_APPLIED_TWICE,
                        schema,
                        "version " + row[0] + " applied " + row[1] + " times"));
            }
        }
    }

    private String latestApplied(Connection connection, String schema) throws SQLException {
        if (!hasHistory(connection, schema)) {
            return null;
        }
        List<String> latest = strings(
                connection,
                "SELECT version FROM " + quote(schema) + "." + quote(historyTable)
                        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
        return latest.isEmpty() ? null : latest.get(0);
    }

    private boolean hasHistory(Connection connection, String schema) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            select.setString(1, quote(schema) + "." + quote(historyTable));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static boolean schemaExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            select.setString(1, schema);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Schema names come from pg_namespace, never from input; quoted all the same. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        for (String[] row : rows(connection, sql)) {
            values.add(row[0]);
        }
        return values;
    }

    static List<String[]> rows(Connection connection, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = result.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
