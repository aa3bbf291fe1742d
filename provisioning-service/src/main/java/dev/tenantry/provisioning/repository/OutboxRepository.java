package dev.tenantry.provisioning.repository;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * The transactional outbox: events are written here in the transaction of the registry change
 * that caused them, and the relay moves them to Kafka.
 */
@ApplicationScoped
public class OutboxRepository {

    /** Aggregate type of every row: the outbox holds tenant events only. */
    public static final String AGGREGATE_TYPE = "tenant";

    private static final String INSERT = """
            INSERT INTO provisioning_outbox (id, aggregatetype, aggregateid, type, payload, topic, ce_id, ce_type,
                ce_source, ce_time, ce_subject, ce_causationid, ce_correlationid)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String OLDEST_AGE = """
            SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0) FROM provisioning_outbox
            """;
    private static final String COUNT = "SELECT count(*) FROM provisioning_outbox";

    private final CloudEventCodec codec = new CloudEventCodec();

    /**
     * Appends the event for {@code topic}. The envelope id (a UUID) is the row id and the
     * CloudEvents id; the subject is the Kafka key.
     */
    public void append(Connection connection, String topic, EventEnvelope<?> event) throws SQLException {
        codec.checkTopic(topic, event);
        Map<String, String> headers = codec.headerMap(event);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, UUID.fromString(event.id()));
            insert.setString(2, AGGREGATE_TYPE);
            insert.setString(3, event.subject());
            insert.setString(4, event.type());
            insert.setString(5, new String(codec.encodeData(event.data()), StandardCharsets.UTF_8));
            insert.setString(6, topic);
            insert.setString(7, headers.get(CloudEventCodec.CE_ID));
            insert.setString(8, headers.get(CloudEventCodec.CE_TYPE));
            insert.setString(9, headers.get(CloudEventCodec.CE_SOURCE));
            insert.setString(10, headers.get(CloudEventCodec.CE_TIME));
            insert.setString(11, headers.get(CloudEventCodec.CE_SUBJECT));
            insert.setString(12, headers.get(CloudEventCodec.CE_CAUSATIONID));
            insert.setString(13, headers.get(CloudEventCodec.CE_CORRELATIONID));
            insert.executeUpdate();
        }
    }

    /** Age in seconds of the oldest row not yet relayed (0 when none waits): the relay lag. */
    public double oldestAgeSeconds(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(OLDEST_AGE);
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getDouble(1);
        }
    }

    public long count(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(COUNT);
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
