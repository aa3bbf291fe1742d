package dev.tenantry.dispatcher.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Encrypted endpoint secrets; this class never sees them in clear. */
@ApplicationScoped
public class SecretRepository {

    private static final String INSERT = """
            INSERT INTO webhook_secret (endpoint_id, version, ciphertext, created_at) VALUES (?, ?, ?, now())
            """;
    private static final String LATEST_VERSION =
            "SELECT coalesce(max(version), 0) FROM webhook_secret WHERE endpoint_id = ?";
    private static final String RETIRE_CURRENT = """
            UPDATE webhook_secret SET valid_until = ? WHERE endpoint_id = ? AND valid_until IS NULL
            """;
    // Current secrets, and rotated-out ones still inside their overlap window.
    private static final String SIGNING = """
            SELECT endpoint_id, version, ciphertext, created_at, valid_until
              FROM webhook_secret
             WHERE endpoint_id = ANY (?) AND (valid_until IS NULL OR valid_until > now())
             ORDER BY endpoint_id, version DESC
            """;

    /** A stored secret, still encrypted. */
    public record StoredSecret(
            UUID endpointId, int version, byte[] ciphertext, Instant createdAt, Instant validUntil) {}

    public void insert(Connection connection, UUID endpointId, int version, byte[] ciphertext) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, endpointId);
            insert.setInt(2, version);
            insert.setBytes(3, ciphertext);
            insert.executeUpdate();
        }
    }

    public int latestVersion(Connection connection, UUID endpointId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LATEST_VERSION)) {
            select.setObject(1, endpointId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** Ends the current secret's life at {@code validUntil}; a newer one must be inserted in the same transaction. */
    public void retireCurrent(Connection connection, UUID endpointId, Instant validUntil) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(RETIRE_CURRENT)) {
            update.setTimestamp(1, Jdbc.timestamp(validUntil));
            update.setObject(2, endpointId);
            update.executeUpdate();
        }
    }

    /** Every secret that signs now, newest version first per endpoint. */
    public List<StoredSecret> signing(Connection connection, Collection<UUID> endpointIds) throws SQLException {
        if (endpointIds.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement select = connection.prepareStatement(SIGNING)) {
            select.setArray(1, connection.createArrayOf("uuid", endpointIds.toArray()));
            List<StoredSecret> secrets = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    secrets.add(new StoredSecret(
                            rows.getObject("endpoint_id", UUID.class),
                            rows.getInt("version"),
                            rows.getBytes("ciphertext"),
                            Jdbc.instant(rows, "created_at"),
                            Jdbc.instant(rows, "valid_until")));
                }
            }
            return secrets;
        }
    }
}
