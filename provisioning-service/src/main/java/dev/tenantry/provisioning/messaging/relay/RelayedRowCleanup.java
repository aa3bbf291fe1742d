package dev.tenantry.provisioning.messaging.relay;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Deletes relayed rows from the outbox, on a connection of its own, before the relay acknowledges
 * their batch to Debezium: a row whose offset is committed is on Kafka and gone from the table.
 * Used by the relay's engine thread only.
 */
final class RelayedRowCleanup {

    /** Opens the cleanup's connection. */
    @FunctionalInterface
    interface Connections {
        Connection open() throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(RelayedRowCleanup.class);

    private final String outboxTable;
    private final Connections connections;
    private Connection deleteConnection;
    /**
     * Relayed rows the cleanup has not deleted yet, with when they were relayed. PostgreSQL decodes
     * a transaction as soon as its commit is flushed, a moment before other sessions can see it: a
     * row relayed in that moment is invisible to the DELETE and is tried again with the next batch.
     */
    private final Map<UUID, Long> relayedNotDeleted = new LinkedHashMap<>();

    RelayedRowCleanup(String outboxTable, Connections connections) {
        this.outboxTable = outboxTable;
        this.connections = connections;
    }

    /**
     * Deletes the relayed rows, with those an earlier batch could not delete yet; throws when the
     * database cannot be reached, so that the batch is not acknowledged and is relayed again.
     */
    void delete(List<UUID> relayed) {
        long now = System.nanoTime();
        relayed.forEach(id -> relayedNotDeleted.putIfAbsent(id, now));
        if (relayedNotDeleted.isEmpty()) {
            return;
        }
        try {
            if (deleteConnection == null || deleteConnection.isClosed()) {
                deleteConnection = connections.open();
                OutboxRelay.commitLocally(deleteConnection);
            }
            try (PreparedStatement delete = deleteConnection.prepareStatement(
                    "DELETE FROM " + outboxTable + " WHERE id = ANY (?) RETURNING id")) {
                Array ids = deleteConnection.createArrayOf(
                        "uuid", relayedNotDeleted.keySet().toArray());
                delete.setArray(1, ids);
                try (ResultSet deleted = delete.executeQuery()) {
                    while (deleted.next()) {
                        relayedNotDeleted.remove(deleted.getObject(1, UUID.class));
                    }
                }
            }
        } catch (SQLException e) {
            close();
            throw new IllegalStateException(
                    "cannot delete " + relayedNotDeleted.size() + " relayed outbox row(s); "
                            + "the batch will be relayed again",
                    e);
        }
        forgetRowsNeverSeen(now);
    }

    /**
     * A row still not found half a minute after it was relayed was gone already: relayed again
     * after a restart (Debezium resumes from its last flushed offset) or deleted by someone else.
     */
    private void forgetRowsNeverSeen(long now) {
        for (Iterator<Map.Entry<UUID, Long>> it = relayedNotDeleted.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<UUID, Long> row = it.next();
            if (now - row.getValue() > TimeUnit.SECONDS.toNanos(30)) {
                LOG.debugf(
                        "Relayed outbox row %s was not in the outbox (already deleted); forgetting it", row.getKey());
                it.remove();
            }
        }
    }

    /** Closes the cleanup's connection; the next delete opens a new one. */
    void close() {
        if (deleteConnection != null) {
            try {
                deleteConnection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the cleanup connection failed", e);
            }
            deleteConnection = null;
        }
    }
}
