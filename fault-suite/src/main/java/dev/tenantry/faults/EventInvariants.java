package dev.tenantry.faults;

import static dev.tenantry.faults.RegistryInvariants.rows;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventDecodingException;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.LifecycleEvent;
import dev.tenantry.contracts.events.TenantryEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The invariants that need the topics beside the database: every event the saga emitted is on
 * Kafka, every lifecycle event reached every endpoint subscribed to it (once), and every dead
 * letter is explained.
 */
final class EventInvariants {

    private static final CloudEventCodec CODEC = CloudEventCodec.shared();

    private final List<ConsumerRecord<String, byte[]>> events;
    private final List<ObservedDeadLetter> deadLetters;
    private final Instant since;

    EventInvariants(List<ConsumerRecord<String, byte[]>> events, List<ObservedDeadLetter> deadLetters, Instant since) {
        this.events = events;
        this.deadLetters = deadLetters;
        this.since = since;
    }

    void checkEmitted(Connection connection, List<Violation> violations) throws SQLException {
        Set<String> onKafka = new HashSet<>();
        events.forEach(record -> {
            String id = header(record, CloudEventCodec.CE_ID);
            if (id != null) {
                onKafka.add(id);
            }
        });
        for (String[] row : rows(
                connection,
                "SELECT tenant_id::text, event_type, event_id FROM tenant_timeline "
                        + "WHERE kind = 'transition' AND event_id IS NOT NULL AND occurred_at >= '"
                        + Timestamp.from(since) + "'::timestamptz ORDER BY seq")) {
            List<String> types = Arrays.asList(row[1] == null ? new String[0] : row[1].split(","));
            String[] ids = row[2].split(",");
            for (int i = 0; i < ids.length; i++) {
                // A transition that emits nothing (COMPENSATING to ROLLED_BACK) is recorded with an
                // empty event_id, not NULL: the saga joins an empty list of ids.
                if (ids[i].isBlank()) {
                    continue;
                }
                if (!onKafka.contains(ids[i].strip())) {
                    violations.add(new Violation(
                            InvariantRule.EMITTED_EVENT_MISSING,
                            ids[i].strip(),
                            (i < types.size() ? types.get(i) : "an event") + " of tenant " + row[0]
                                    + " is in its timeline but on no topic"));
                }
            }
        }
    }

    void checkWebhooks(Connection connection, List<Violation> violations) throws SQLException {
        Set<String> queued = new HashSet<>();
        for (String[] row : rows(connection, "SELECT event_id, endpoint_id::text FROM webhook_delivery")) {
            queued.add(row[0] + " " + row[1]);
        }
        // Endpoints that were enabled throughout: an endpoint disabled meanwhile may rightly have missed events.
        List<String[]> endpoints = rows(
                connection,
                "SELECT id::text, event_types::text, tenant_ids::text, "
                        + "(extract(epoch FROM created_at) * 1000)::bigint::text FROM webhook_endpoint "
                        + "WHERE enabled AND disabled_at IS NULL");
        for (ConsumerRecord<String, byte[]> record : events) {
            if (!Topics.TENANT_LIFECYCLE.equals(record.topic())) {
                continue;
            }
            EventEnvelope<TenantryEvent> event;
            try {
                event = CODEC.decode(record.headers(), record.value());
            } catch (EventDecodingException e) {
                continue;
            }
            if (!(event.data() instanceof LifecycleEvent)) {
                continue;
            }
            for (String[] endpoint : endpoints) {
                // Only endpoints that existed when the event was written must have it.
                boolean subscribed = Long.parseLong(endpoint[3]) < record.timestamp()
                        && matches(endpoint[1], event.type())
                        && matches(endpoint[2], event.subject());
                if (subscribed && !queued.contains(event.id() + " " + endpoint[0])) {
                    violations.add(new Violation(
                            InvariantRule.WEBHOOK_NOT_QUEUED,
                            event.id(),
                            event.type() + " of tenant " + event.subject() + " has no delivery to endpoint "
                                    + endpoint[0]));
                }
            }
        }
        for (String[] row : rows(
                connection,
                "SELECT id::text, status, event_id, endpoint_id::text FROM webhook_delivery "
                        + "WHERE status IN ('pending', 'delivering') ORDER BY created_at")) {
            violations.add(new Violation(
                    InvariantRule.WEBHOOK_NOT_SETTLED,
                    row[0],
                    "still " + row[1] + " (event " + row[2] + ", endpoint " + row[3] + ")"));
        }
        for (String[] row : rows(
                connection,
                "SELECT DISTINCT d.id::text, d.event_id, d.endpoint_id::text "
                        + "FROM webhook_attempt ok JOIN webhook_delivery d ON d.id = ok.delivery_id "
                        + "WHERE ok.response_status BETWEEN 200 AND 299 AND EXISTS (SELECT 1 FROM webhook_attempt later "
                        + "WHERE later.delivery_id = ok.delivery_id AND later.id > ok.id)")) {
            violations.add(new Violation(
                    InvariantRule.WEBHOOK_SENT_TWICE,
                    row[0],
                    "event " + row[1] + " sent to endpoint " + row[2] + " again after a successful attempt"));
        }
    }

    void checkDeadLetters(Predicate<ObservedDeadLetter> explained, List<Violation> violations) {
        for (ObservedDeadLetter letter : deadLetters) {
            if (!explained.test(letter)) {
                violations.add(new Violation(
                        InvariantRule.UNEXPLAINED_DEAD_LETTER,
                        letter.position(),
                        (letter.eventType() == null ? "a record" : letter.eventType()) + " from "
                                + letter.originalTopic() + ": " + letter.reason()));
            }
        }
    }

    /** A PostgreSQL text array as text ({@code {a,b}}), or null for "all". */
    private static boolean matches(String arrayText, String value) {
        if (arrayText == null) {
            return true;
        }
        String inner = arrayText.substring(1, arrayText.length() - 1);
        return Arrays.stream(inner.split(",")).map(s -> s.replace("\"", "")).anyMatch(value::equals);
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
