package dev.tenantry.support.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The message log that makes a consumer effectively-once: an event id is recorded in the same
 * transaction as the effect it caused, so a redelivered event finds its id and is skipped. Each
 * service owns its own table (primary key consumer + event id) in the shared schema.
 */
public final class ProcessedEvents {

    private static final Pattern TABLE_NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");

    // Each service's log, named once here; each table is created by its service's own migrations.
    public static final ProcessedEvents PROVISIONING = new ProcessedEvents("provisioning_processed_event");
    public static final ProcessedEvents WORKER = new ProcessedEvents("worker_processed_event");
    public static final ProcessedEvents DISPATCHER = new ProcessedEvents("dispatcher_processed_event");

    private final String table;
    private final String firstTimeSql;
    private final String selectSql;
    private final String pruneSql;

    public ProcessedEvents(String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("Not a valid table name for the processed-event log: " + table);
        }
        this.table = table;
        this.firstTimeSql = "INSERT INTO " + table
                + " (consumer, event_id, processed_at) VALUES (?, ?, now()) ON CONFLICT DO NOTHING RETURNING 1";
        this.selectSql = "SELECT 1 FROM " + table + " WHERE consumer = ? AND event_id = ?";
        this.pruneSql = "DELETE FROM " + table + " WHERE (consumer, event_id) IN (SELECT consumer, event_id FROM "
                + table + " WHERE processed_at < ? LIMIT ?)";
    }

    public String table() {
        return table;
    }

    /**
     * The statement that records an event id for a consumer (parameters: consumer, event id) and
     * returns one row only the first time. For a statement that does its effect in the same round
     * trip as a data-modifying CTE, atomic without a transaction of its own; {@link
     * #markProcessed} runs it alone.
     */
    public String firstTimeStatement() {
        return firstTimeSql;
    }

    /**
     * Forgets up to {@code limit} ids processed before {@code before} (a retention rule's pruner).
     * Safe only while no delivery of those events can still come: the retention is kept longer than
     * the dead-letter replay window and the topics' own retention.
     */
    public int prune(Connection connection, Instant before, int limit) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(pruneSql)) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }

    /**
     * Refuses a processed-event retention that is not longer than the dead-letter replay window:
     * a letter replayed a second time after its first replay succeeded would no longer find its id
     * and would be applied twice.
     */
    public static void requireLongerThanReplayWindow(Duration retention, Duration replayWindow, String property) {
        if (retention.compareTo(replayWindow) <= 0) {
            throw new IllegalStateException(property + " (" + retention + ") must be longer than the dead-letter "
                    + "replay window tenantry.dead-letters.replay-window (" + replayWindow + "), or a replayed "
                    + "event could be applied twice");
        }
    }

    /**
     * Records the event as processed by this consumer, inside the caller's transaction.
     *
     * @return true the first time, false when the event was already processed (skip it)
     */
    public boolean markProcessed(Connection connection, String consumer, String eventId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(firstTimeSql)) {
            insert.setString(1, consumer);
            insert.setString(2, eventId);
            try (ResultSet first = insert.executeQuery()) {
                return first.next();
            }
        }
    }

    public boolean isProcessed(Connection connection, String consumer, String eventId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(selectSql)) {
            select.setString(1, consumer);
            select.setString(2, eventId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }
}
