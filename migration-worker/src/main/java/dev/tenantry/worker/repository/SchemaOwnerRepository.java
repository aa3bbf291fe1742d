package dev.tenantry.worker.repository;

import dev.tenantry.contracts.tenant.TenantSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which tenant owns a tenant schema (or an archive of one), and which of its requests last
 * changed it. Written by the worker while it holds the schema's lock, in the same transaction as
 * the change where the change is transactional.
 */
@ApplicationScoped
public class SchemaOwnerRepository {

    /**
     * @param requestTime when the request that last changed the schema was sent; null when unknown
     * @param pinnedVersion the version an upgrade with an explicit target left the schema at
     */
    public record Owner(String schema, String tenantId, String requestId, Instant requestTime, String pinnedVersion) {}

    public Optional<Owner> find(Connection connection, TenantSchema schema) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant_id, request_id, request_time, pinned_version FROM tenant_schema_owner "
                        + "WHERE schema_name = ?")) {
            select.setString(1, schema.name());
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Timestamp time = rows.getTimestamp(3);
                return Optional.of(new Owner(
                        schema.name(),
                        rows.getString(1),
                        rows.getString(2),
                        time == null ? null : time.toInstant(),
                        rows.getString(4)));
            }
        }
    }

    /**
     * The owner a schema without a row had before owners were recorded: the tenant of its latest
     * run, if that run created or upgraded it.
     */
    public Optional<String> ownerFromRunLog(Connection connection, TenantSchema schema) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant_id, kind FROM migration_run WHERE schema_name = ? ORDER BY id DESC LIMIT 1")) {
            select.setString(1, schema.name());
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next() && ("new".equals(rows.getString(2)) || "upgrade".equals(rows.getString(2)))) {
                    return Optional.of(rows.getString(1));
                }
                return Optional.empty();
            }
        }
    }

    /** Records (or replaces) the owner of a schema; the pin is cleared. */
    public void record(
            Connection connection, TenantSchema schema, String tenantId, String requestId, Instant requestTime)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO tenant_schema_owner (schema_name, tenant_id, request_id, request_time, pinned_version)
                VALUES (?, ?, ?, ?, NULL)
                ON CONFLICT (schema_name) DO UPDATE SET tenant_id = excluded.tenant_id,
                    request_id = excluded.request_id, request_time = excluded.request_time,
                    pinned_version = NULL, recorded_at = now()
                """)) {
            upsert.setString(1, schema.name());
            upsert.setString(2, tenantId);
            upsert.setString(3, requestId);
            setTime(upsert, 4, requestTime);
            upsert.executeUpdate();
        }
    }

    /**
     * An upgrade request of the owner changed the schema: it becomes the latest request, and the
     * schema is pinned to {@code pinnedVersion} (null: unpinned, drift repair keeps it at the latest).
     */
    public void recordUpgrade(
            Connection connection,
            TenantSchema schema,
            String tenantId,
            String requestId,
            Instant requestTime,
            String pinnedVersion)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO tenant_schema_owner (schema_name, tenant_id, request_id, request_time, pinned_version)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (schema_name) DO UPDATE SET tenant_id = excluded.tenant_id,
                    request_id = excluded.request_id, request_time = excluded.request_time,
                    pinned_version = excluded.pinned_version, recorded_at = now()
                """)) {
            upsert.setString(1, schema.name());
            upsert.setString(2, tenantId);
            upsert.setString(3, requestId);
            setTime(upsert, 4, requestTime);
            upsert.setString(5, pinnedVersion);
            upsert.executeUpdate();
        }
    }

    /** The schema was renamed (archived, or a spare taken): its owner record goes with it. */
    public void move(Connection connection, TenantSchema from, TenantSchema to) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE tenant_schema_owner SET schema_name = ?, recorded_at = now() WHERE schema_name = ?")) {
            update.setString(1, to.name());
            update.setString(2, from.name());
            update.executeUpdate();
        }
    }

    /** The schema was dropped. */
    public void forget(Connection connection, TenantSchema schema) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM tenant_schema_owner WHERE schema_name = ?")) {
            delete.setString(1, schema.name());
            delete.executeUpdate();
        }
    }

    /** The newest archive this tenant's deletion left, if any still exists. */
    public Optional<TenantSchema> archiveOf(Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT o.schema_name FROM tenant_schema_owner o
                WHERE o.tenant_id = ? AND o.schema_name LIKE 'deleted\\_%'
                  AND EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = o.schema_name)
                ORDER BY o.recorded_at DESC LIMIT 1
                """)) {
            select.setString(1, tenantId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(new TenantSchema(rows.getString(1))) : Optional.empty();
            }
        }
    }

    /** Owning tenant by schema name, for drift verification. */
    public Map<String, String> owners(Connection connection) throws SQLException {
        Map<String, String> owners = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                        "SELECT schema_name, tenant_id FROM tenant_schema_owner WHERE schema_name LIKE 'tenant\\_%'");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                owners.put(rows.getString(1), rows.getString(2));
            }
        }
        return owners;
    }

    /** Pinned versions by schema name, for drift verification. */
    public Map<String, String> pins(Connection connection) throws SQLException {
        Map<String, String> pins = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                        "SELECT schema_name, pinned_version FROM tenant_schema_owner WHERE pinned_version IS NOT NULL");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                pins.put(rows.getString(1), rows.getString(2));
            }
        }
        return pins;
    }

    private static void setTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setTimestamp(index, Timestamp.from(time));
        }
    }
}
