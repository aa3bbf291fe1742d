package dev.tenantry.dispatcher.repository;

import dev.tenantry.dispatcher.model.Attempt;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The attempt log: every HTTP request the dispatcher made, with what came back. */
@ApplicationScoped
public class AttemptRepository {

    // One statement for a whole batch of attempts.
    static final String INSERT = """
            INSERT INTO webhook_attempt (delivery_id, attempt_number, attempted_at, response_status, duration_ms,
                                         error, response_body)
            SELECT u.delivery_id, u.attempt_number, to_timestamp(u.at_ms / 1000.0), u.response_status, u.duration_ms,
                   u.error, u.body
              FROM unnest(?::uuid[], ?::int[], ?::bigint[], ?::int[], ?::int[], ?::text[], ?::text[])
                   AS u(delivery_id, attempt_number, at_ms, response_status, duration_ms, error, body)
            """;
    private static final String BY_DELIVERY = """
            SELECT id, delivery_id, attempt_number, attempted_at, response_status, duration_ms, error, response_body
              FROM webhook_attempt WHERE delivery_id = ? ORDER BY id
            """;

    /** An attempt to log. */
    public record NewAttempt(
            UUID deliveryId,
            int attemptNumber,
            Instant attemptedAt,
            Integer responseStatus,
            long durationMs,
            String error,
            String responseBody) {}

    public void insert(Connection connection, List<NewAttempt> attempts) throws SQLException {
        if (attempts.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            bind(connection, insert, 1, attempts);
            insert.executeUpdate();
        }
    }

    /** Binds the parameters of {@link #INSERT} from {@code first} on; returns the next parameter index. */
    static int bind(Connection connection, PreparedStatement statement, int first, List<NewAttempt> attempts)
            throws SQLException {
        int n = attempts.size();
        UUID[] deliveries = new UUID[n];
        Integer[] numbers = new Integer[n];
        Long[] times = new Long[n];
        Integer[] statuses = new Integer[n];
        Integer[] durations = new Integer[n];
        String[] errors = new String[n];
        String[] bodies = new String[n];
        for (int i = 0; i < n; i++) {
            NewAttempt a = attempts.get(i);
            deliveries[i] = a.deliveryId();
            numbers[i] = a.attemptNumber();
            times[i] = a.attemptedAt().toEpochMilli();
            statuses[i] = a.responseStatus();
            durations[i] = (int) Math.min(Integer.MAX_VALUE, a.durationMs());
            errors[i] = Jdbc.safeText(a.error());
            bodies[i] = Jdbc.safeText(a.responseBody());
        }
        statement.setArray(first, connection.createArrayOf("uuid", deliveries));
        statement.setArray(first + 1, connection.createArrayOf("int4", numbers));
        statement.setArray(first + 2, connection.createArrayOf("bigint", times));
        statement.setArray(first + 3, connection.createArrayOf("int4", statuses));
        statement.setArray(first + 4, connection.createArrayOf("int4", durations));
        statement.setArray(first + 5, connection.createArrayOf("text", errors));
        statement.setArray(first + 6, connection.createArrayOf("text", bodies));
        return first + 7;
    }

    public List<Attempt> findByDelivery(Connection connection, UUID deliveryId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_DELIVERY)) {
            select.setObject(1, deliveryId);
            List<Attempt> attempts = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    attempts.add(new Attempt(
                            rows.getLong("id"),
                            rows.getObject("delivery_id", UUID.class),
                            rows.getInt("attempt_number"),
                            Jdbc.instant(rows, "attempted_at"),
                            Jdbc.nullableInt(rows, "response_status"),
                            rows.getLong("duration_ms"),
                            rows.getString("error"),
                            rows.getString("response_body")));
                }
            }
            return attempts;
        }
    }
}
