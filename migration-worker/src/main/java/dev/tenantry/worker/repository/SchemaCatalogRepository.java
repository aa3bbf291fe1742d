package dev.tenantry.worker.repository;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Describes what a schema really contains (tables, columns, indexes, constraints) from the
 * PostgreSQL catalogs, for many schemas in one query. Schema names are stripped from definitions
 * so two tenants with the same structure describe identically.
 */
public final class SchemaCatalogRepository {

    private static final String DESCRIBE = """
            WITH target AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY (?)),
            rel AS (
                SELECT c.oid, c.relname, t.nspname FROM pg_class c JOIN target t ON t.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND c.relname <> ?
            )
            SELECT nspname, 'table ' || relname FROM rel
            UNION ALL
            SELECT r.nspname, 'column ' || r.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
            FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT r.nspname, 'index ' || replace(pg_get_indexdef(i.indexrelid), quote_ident(r.nspname) || '.', '')
            FROM rel r JOIN pg_index i ON i.indrelid = r.oid
            UNION ALL
            SELECT r.nspname, 'constraint ' || r.relname || '.' || co.conname || ' '
                   || replace(pg_get_constraintdef(co.oid), quote_ident(r.nspname) || '.', '')
            FROM rel r JOIN pg_constraint co ON co.conrelid = r.oid
            """;

    private SchemaCatalogRepository() {}

    /** For each schema, the set of objects it holds, in a comparable text form. */
    public static Map<String, Set<String>> describe(Connection connection, List<String> schemas, String historyTable)
            throws SQLException {
        Map<String, Set<String>> objects = new HashMap<>();
        schemas.forEach(s -> objects.put(s, new TreeSet<>()));
        Array names = connection.createArrayOf("text", schemas.toArray());
        try (PreparedStatement select = connection.prepareStatement(DESCRIBE)) {
            select.setArray(1, names);
            select.setString(2, historyTable);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    objects.get(rows.getString(1)).add(rows.getString(2));
                }
            }
        }
        return objects;
    }
}
