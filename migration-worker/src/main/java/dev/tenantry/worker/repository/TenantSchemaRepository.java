package dev.tenantry.worker.repository;

import dev.tenantry.contracts.tenant.TenantSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DDL on whole tenant schemas. Every name passes through {@link TenantSchema} (validated) and is
 * quoted; nothing from a request is ever concatenated into SQL unchecked.
 */
@ApplicationScoped
public class TenantSchemaRepository {

    /** Archived (deleted) tenant schemas: {@code deleted_<slug>_<epoch seconds>}. */
    private static final Pattern ARCHIVED = Pattern.compile("^deleted_([a-z][a-z0-9_]*)_([0-9]{9,12})$");

    public boolean exists(Connection connection, TenantSchema schema) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            select.setString(1, schema.name());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * One index lookup on (name, schema) whatever the statistics say. Every tenant's history table
     * has the same name, so a join the planner starts from pg_class (as it does while the catalog
     * statistics still describe a smaller fleet) reads one row per tenant on every signup.
     */
    static final String HAS_TABLE = """
            SELECT 1 FROM pg_class
            WHERE relname = ? AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
            """;

    public boolean hasTable(Connection connection, TenantSchema schema, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(HAS_TABLE)) {
            select.setString(1, table);
            select.setString(2, schema.name());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    public void create(Connection connection, TenantSchema schema) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE SCHEMA IF NOT EXISTS " + schema.quoted());
        }
    }

    /** @return whether there was a schema to drop */
    public boolean drop(Connection connection, TenantSchema schema) throws SQLException {
        boolean existed = exists(connection, schema);
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("DROP SCHEMA IF EXISTS " + schema.quoted() + " CASCADE");
        }
        return existed;
    }

    public void rename(Connection connection, TenantSchema from, TenantSchema to) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("ALTER SCHEMA " + from.quoted() + " RENAME TO " + to.quoted());
        }
    }

    /** The archive name a deleted tenant's schema gets. */
    public static TenantSchema archiveName(String slug, long epochSeconds) {
        return new TenantSchema("deleted_" + slug + "_" + epochSeconds);
    }

    /** An existing archive of this slug's schema, newest first, if the tenant was already deleted. */
    public Optional<TenantSchema> findArchive(Connection connection, String slug) throws SQLException {
        return archivedSchemas(connection).stream()
                .filter(a -> a.slug().equals(slug))
                .max((a, b) -> Long.compare(a.archivedAtEpoch(), b.archivedAtEpoch()))
                .map(ArchivedSchema::schema);
    }

    /** A deleted tenant's schema kept aside for the retention period. */
    public record ArchivedSchema(TenantSchema schema, String slug, long archivedAtEpoch) {}

    public List<ArchivedSchema> archivedSchemas(Connection connection) throws SQLException {
        List<ArchivedSchema> archived = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'deleted\\_%'");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Matcher m = ARCHIVED.matcher(rows.getString(1));
                if (m.matches()) {
                    archived.add(
                            new ArchivedSchema(new TenantSchema(m.group(0)), m.group(1), Long.parseLong(m.group(2))));
                }
            }
        }
        return archived;
    }
}
