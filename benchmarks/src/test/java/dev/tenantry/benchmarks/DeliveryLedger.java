package dev.tenantry.benchmarks;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * What the dispatcher wrote to PostgreSQL about the benchmark's endpoints: its deliveries and
 * every attempt. One connection held for the scenario, so that watching costs the database a
 * query, not a new backend each time.
 */
final class DeliveryLedger implements AutoCloseable {

    private final Connection connection;

    DeliveryLedger(DataSource dataSource) throws SQLException {
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
    }

    /** Successful attempts persisted for these endpoints. */
    int successfulAttempts(List<String> endpointIds) throws SQLException {
        return count("""
                SELECT count(*) FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id
                 WHERE d.endpoint_id = ANY (?) AND a.response_status BETWEEN 200 AND 299""", endpointIds);
    }

    /** Every attempt persisted for these endpoints, whatever its outcome. */
    int attempts(List<String> endpointIds) throws SQLException {
        return count("""
                SELECT count(*) FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id
                 WHERE d.endpoint_id = ANY (?)""", endpointIds);
    }

    int delivered(List<String> endpointIds) throws SQLException {
        return count(
                "SELECT count(*) FROM webhook_delivery WHERE endpoint_id = ANY (?) AND status = 'delivered'",
                endpointIds);
    }

    /** The signed bodies as the dispatcher sent them to one endpoint. */
    List<String> payloads(String endpointId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT payload FROM webhook_delivery WHERE endpoint_id = ?")) {
            statement.setObject(1, UUID.fromString(endpointId));
            List<String> payloads = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    payloads.add(rows.getString(1));
                }
            }
            return payloads;
        }
    }

    /**
     * Waits until the dispatcher has nothing in flight and nothing due within a minute, for any
     * endpoint: what earlier scenarios or repetitions left would otherwise share the machine with
     * the measurement. Retries scheduled further ahead (an endpoint another scenario left failing)
     * are not waited for. A claimed delivery's next attempt is the end of its lease.
     */
    void awaitNothingDue(Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        int due;
        while ((due = queryInt("""
                SELECT count(*) FROM webhook_delivery
                 WHERE status = 'pending'
                   AND (next_attempt_at < now() + interval '1 minute' OR lease_until > now())""")) > 0) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(due + " deliveries still due or in flight after " + patience);
            }
            Thread.sleep(500);
        }
    }

    /** Polls every {@code interval} until {@link #successfulAttempts} reaches {@code expected}. */
    void awaitSuccessfulAttempts(List<String> endpointIds, int expected, Duration interval, Duration patience)
            throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        int seen;
        while ((seen = successfulAttempts(endpointIds)) < expected) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "only " + seen + " of " + expected + " successful attempts persisted after " + patience);
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private int count(String sql, List<String> endpointIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Array ids = connection.createArrayOf(
                    "uuid", endpointIds.stream().map(UUID::fromString).toArray());
            statement.setArray(1, ids);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private int queryInt(String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
