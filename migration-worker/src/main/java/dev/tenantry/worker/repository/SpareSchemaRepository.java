package dev.tenantry.worker.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The register of ready-made tenant schemas ({@code tenant_spare_schema}). Rows are taken with
 * SKIP LOCKED, so concurrent signups on any number of workers never get the same spare.
 */
@ApplicationScoped
public class SpareSchemaRepository {

    /** Prefix of spare schemas; it does not match {@code tenant\_%}, so drift checks never count them. */
    public static final String PREFIX = "tenantry_spare_";

    /** Removes the oldest spare of this release from the register; the caller renames it in the same transaction. */
    public Optional<String> takeOldest(Connection connection, String release) throws SQLException {
        try (PreparedStatement take = connection.prepareStatement("""
                DELETE FROM tenant_spare_schema WHERE schema_name = (
                    SELECT schema_name FROM tenant_spare_schema WHERE release = ?
                    ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING schema_name
                """)) {
            take.setString(1, release);
            try (ResultSet rows = take.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    public void add(Connection connection, String schema, String release, String version) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tenant_spare_schema (schema_name, release, version) VALUES (?, ?, ?)")) {
            insert.setString(1, schema);
            insert.setString(2, release);
            insert.setString(3, version);
            insert.executeUpdate();
        }
    }

    public int count(Connection connection, String release) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT count(*) FROM tenant_spare_schema WHERE release = ?")) {
            select.setString(1, release);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** Removes (and returns) the spares built from other migrations than {@code release}; skips ones being taken. */
    public List<String> removeOtherReleases(Connection connection, String release) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("""
                DELETE FROM tenant_spare_schema WHERE schema_name IN (
                    SELECT schema_name FROM tenant_spare_schema WHERE release <> ? FOR UPDATE SKIP LOCKED)
                RETURNING schema_name
                """)) {
            delete.setString(1, release);
            return names(delete);
        }
    }

    /** Spare schemas that exist but are not registered: left by a worker that died while building one. */
    public List<String> unregistered(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT nspname FROM pg_namespace
                WHERE nspname LIKE 'tenantry\\_spare\\_%'
                  AND nspname NOT IN (SELECT schema_name FROM tenant_spare_schema)
                """)) {
            return names(select);
        }
    }

    private static List<String> names(PreparedStatement statement) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
