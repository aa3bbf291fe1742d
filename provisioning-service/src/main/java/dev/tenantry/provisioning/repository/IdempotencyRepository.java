package dev.tenantry.provisioning.repository;

import dev.tenantry.provisioning.model.StoredResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Idempotency keys and the responses they were first answered with. */
@ApplicationScoped
public class IdempotencyRepository {

    // Two requests with one key wait for each other here instead of racing to insert it.
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('idempotency:' || ?, 0))";
    private static final String FIND = """
            SELECT request_hash, response_status, response_body::text AS body
            FROM provisioning_idempotency_key WHERE idempotency_key = ?
            """;
    private static final String INSERT = """
            INSERT INTO provisioning_idempotency_key (idempotency_key, request_hash, tenant_id, response_status,
                response_body, from_command)
            VALUES (?, ?, ?, ?, ?::jsonb, ?)
            """;
    private static final String PRUNE = """
            DELETE FROM provisioning_idempotency_key
             WHERE idempotency_key IN (SELECT idempotency_key FROM provisioning_idempotency_key
                                        WHERE created_at < ? AND from_command = ? LIMIT ?)
            """;
    private static final String INSERT_IF_ABSENT = INSERT.strip() + " ON CONFLICT (idempotency_key) DO NOTHING";

    /** Holds the key until the transaction ends. */
    public void lock(Connection connection, String key) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
            lock.setString(1, key);
            lock.execute();
        }
    }

    public Optional<StoredResponse> find(Connection connection, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(FIND)) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new StoredResponse(rows.getString(1), rows.getInt(2), rows.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /** @param fromCommand whether the key is a command id (kept longer than a client's key) */
    public void insert(Connection connection, String key, UUID tenantId, StoredResponse response, boolean fromCommand)
            throws SQLException {
        insert(connection, INSERT, key, tenantId, response, fromCommand);
    }

    /** Stores a command id's {@code response} unless the id already has one: a command keeps its first answer. */
    public void insertCommandAnswerIfAbsent(Connection connection, String commandId, StoredResponse response)
            throws SQLException {
        insert(connection, INSERT_IF_ABSENT, commandId, null, response, true);
    }

    private static void insert(
            Connection connection, String sql, String key, UUID tenantId, StoredResponse response, boolean fromCommand)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, key);
            insert.setString(2, response.requestHash());
            insert.setObject(3, tenantId);
            insert.setInt(4, response.status());
            insert.setString(5, response.body());
            insert.setBoolean(6, fromCommand);
            insert.executeUpdate();
        }
    }

    /** Forgets up to {@code limit} clients' keys first used before {@code before}. */
    public int pruneRequestKeys(Connection connection, Instant before, int limit) throws SQLException {
        return prune(connection, before, false, limit);
    }

    /** Forgets up to {@code limit} command ids first answered before {@code before}. */
    public int pruneCommandIds(Connection connection, Instant before, int limit) throws SQLException {
        return prune(connection, before, true, limit);
    }

    private static int prune(Connection connection, Instant before, boolean fromCommand, int limit)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(PRUNE)) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setBoolean(2, fromCommand);
            delete.setInt(3, limit);
            return delete.executeUpdate();
        }
    }
}
