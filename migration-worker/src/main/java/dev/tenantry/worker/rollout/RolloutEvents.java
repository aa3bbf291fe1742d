package dev.tenantry.worker.rollout;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.RolloutEvent;
import dev.tenantry.support.messaging.EventPublisher;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.worker.config.WorkerConfig;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollouts' lifecycle events: recorded in the transaction that changes the rollout (an outbox
 * in {@code tenant_rollout_event}), published to tenant-lifecycle at the next poll of any worker
 * instance, in the order they were recorded. At least once: a worker that dies after sending and
 * before marking sends again, and consumers are idempotent on the event id.
 */
@ApplicationScoped
public class RolloutEvents {

    /** Only one instance publishes at a time, so that events leave in the order they were written. */
    private static final long PUBLISHER_LOCK = 0x726f6c6c6f757473L; // "rollouts"

    private static final int BATCH = 100;

    private final AgroalDataSource dataSource;
    private final EventPublisher publisher;
    private final CloudEventCodec codec = CloudEventCodec.shared();
    private final URI source;

    public RolloutEvents(AgroalDataSource dataSource, EventPublisher publisher, WorkerConfig config) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.source = URI.create(config.eventSource());
    }

    /** Records the event in the caller's transaction. */
    void record(Connection connection, RolloutEvent event) throws SQLException {
        EventEnvelope<RolloutEvent> envelope =
                EventEnvelope.create(source, event).withCorrelation(event.rolloutId());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tenant_rollout_event (event_id, rollout_id, cloud_event) VALUES (?, ?, ?)")) {
            insert.setString(1, envelope.id());
            insert.setString(2, event.rolloutId());
            insert.setString(3, codec.toStructuredJson(envelope));
            insert.executeUpdate();
        }
    }

    /**
     * Publishes the events not yet published, oldest first, unless another instance is doing it.
     * A failed send leaves them for the next poll.
     *
     * @return how many were published
     */
    int publishPending() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return Transactions.inTransaction(connection, tx -> {
                Connection c = tx.connection();
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                    lock.setLong(1, PUBLISHER_LOCK);
                    try (ResultSet rows = lock.executeQuery()) {
                        rows.next();
                        if (!rows.getBoolean(1)) {
                            return 0;
                        }
                    }
                }
                List<String> ids = new ArrayList<>();
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT event_id, cloud_event FROM tenant_rollout_event WHERE published_at IS NULL "
                                + "ORDER BY seq LIMIT " + BATCH)) {
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            publisher.publish(Topics.TENANT_LIFECYCLE, codec.fromStructuredJson(rows.getString(2)));
                            ids.add(rows.getString(1));
                        }
                    }
                }
                try (PreparedStatement mark =
                        c.prepareStatement("UPDATE tenant_rollout_event SET published_at = now() WHERE event_id = ?")) {
                    for (String id : ids) {
                        mark.setString(1, id);
                        mark.addBatch();
                    }
                    mark.executeBatch();
                }
                return ids.size();
            });
        }
    }
}
