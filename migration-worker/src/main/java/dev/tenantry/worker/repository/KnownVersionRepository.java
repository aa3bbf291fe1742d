package dev.tenantry.worker.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The tenant migration versions this worker knows, in the shared table the provisioning service
 * reads to refuse an upgrade to a version that does not exist. Versions are only added: workers
 * of two releases may run side by side during a rollout, and one knowing a version is enough.
 */
@ApplicationScoped
public class KnownVersionRepository {

    public void record(Connection connection, List<String> versions) throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tenant_migration_version (version) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING")) {
            insert.setArray(1, connection.createArrayOf("text", versions.toArray()));
            insert.executeUpdate();
        }
    }
}
