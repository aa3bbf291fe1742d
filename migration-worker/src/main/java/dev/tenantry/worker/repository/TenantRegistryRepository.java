package dev.tenantry.worker.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plan and metadata of tenants, read from the provisioning service's tenant registry ({@code
 * tenant} in the shared schema), so that a rollout can select tenants by them. Read only: the
 * registry is the provisioning service's, and these two columns and the id are all the worker
 * relies on. The worker does not keep a copy, because metadata given at sign-up is the registry's
 * to change.
 */
@ApplicationScoped
public class TenantRegistryRepository {

    /** A tenant's plan (null: none) and metadata. */
    public record RegistryEntry(String plan, Map<String, String> metadata) {}

    /**
     * The registry entries of {@code tenantIds}; a tenant the registry does not know is absent.
     *
     * @return empty when this database has no tenant registry (the provisioning service has never
     *     started against it)
     */
    public Optional<Map<String, RegistryEntry>> entries(Connection connection, Collection<String> tenantIds)
            throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('tenant') IS NOT NULL");
                ResultSet found = exists.executeQuery()) {
            if (!found.next() || !found.getBoolean(1)) {
                return Optional.empty();
            }
        }
        Map<String, String> plans = new HashMap<>();
        Map<String, Map<String, String>> metadata = new HashMap<>();
        // One row per metadata entry (one with null key and value for a tenant without metadata).
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT t.id::text, t.plan, m.key, m.value
                FROM tenant t LEFT JOIN LATERAL jsonb_each_text(t.metadata) m ON true
                WHERE t.id::text = ANY (?)
                """)) {
            select.setArray(1, connection.createArrayOf("text", tenantIds.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    plans.put(id, rows.getString(2));
                    Map<String, String> entries = metadata.computeIfAbsent(id, ignored -> new HashMap<>());
                    // A JSON null value is no value to match.
                    if (rows.getString(3) != null && rows.getString(4) != null) {
                        entries.put(rows.getString(3), rows.getString(4));
                    }
                }
            }
        }
        Map<String, RegistryEntry> found = new HashMap<>();
        metadata.forEach((id, entries) -> found.put(id, new RegistryEntry(plans.get(id), entries)));
        return Optional.of(found);
    }
}
