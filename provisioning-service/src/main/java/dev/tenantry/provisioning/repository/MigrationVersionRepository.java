package dev.tenantry.provisioning.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tenant migration versions the migration workers know, from the table they keep in the
 * shared schema ({@code tenant_migration_version}). Empty when no worker has recorded any yet
 * (the table may not even exist): then nothing can be said about a version here.
 */
@ApplicationScoped
public class MigrationVersionRepository {

    public List<String> knownVersions(Connection connection) throws SQLException {
        try (PreparedStatement exists =
                        connection.prepareStatement("SELECT to_regclass('tenant_migration_version') IS NOT NULL");
                ResultSet found = exists.executeQuery()) {
            if (!found.next() || !found.getBoolean(1)) {
                return List.of();
            }
        }
        List<String> versions = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT version FROM tenant_migration_version");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }
}
