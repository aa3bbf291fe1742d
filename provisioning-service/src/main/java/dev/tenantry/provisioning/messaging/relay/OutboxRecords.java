package dev.tenantry.provisioning.messaging.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.contracts.CloudEventCodec;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.Header;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns what Debezium's outbox router produced into the Kafka record Tenantry consumers expect:
 * CloudEvents binary mode, key = tenant id, value = the payload JSON. Debezium's JSON converters
 * write the key, the payload (a {@code jsonb} column, not expanded) and every header value as JSON
 * strings; their quoting is removed here.
 */
final class OutboxRecords {

    /** Outbox columns placed into headers by the router, in the order they are written to Kafka. */
    static final List<String> CE_HEADERS = List.of(
            CloudEventCodec.CE_ID,
            CloudEventCodec.CE_TYPE,
            CloudEventCodec.CE_SOURCE,
            CloudEventCodec.CE_TIME,
            CloudEventCodec.CE_SUBJECT,
            CloudEventCodec.CE_CAUSATIONID,
            CloudEventCodec.CE_CORRELATIONID);

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutboxRecords() {}

    /** An outbox event as routed by Debezium, ready to publish; {@code id} is the outbox row id. */
    record Relayed(String id, String time, ProducerRecord<String, byte[]> record) {}

    /**
     * @return the record to publish, or empty when the change is not an outbox event (heartbeats,
     *         heartbeat-table rows)
     */
    static Optional<Relayed> toKafka(ChangeEvent<String, String> change) {
        Map<String, String> headers = new HashMap<>();
        for (Header<String> header : change.<String>headers()) {
            String value = text(header.getValue());
            if (value != null && CE_HEADERS.contains(header.getKey())) {
                headers.put(header.getKey(), value);
            }
        }
        String id = headers.get(CloudEventCodec.CE_ID);
        if (id == null || change.value() == null) {
            return Optional.empty();
        }
        RecordHeaders kafkaHeaders = new RecordHeaders();
        kafkaHeaders.add(CloudEventCodec.CE_SPECVERSION, bytes(CloudEventCodec.SPEC_VERSION));
        for (String name : CE_HEADERS) {
            String value = headers.get(name);
            if (value != null) {
                kafkaHeaders.add(name, bytes(value));
            }
        }
        kafkaHeaders.add(CloudEventCodec.CONTENT_TYPE, bytes(CloudEventCodec.JSON));
        String payload = text(change.value());
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                change.destination(), null, text(change.key()), payload == null ? null : bytes(payload), kafkaHeaders);
        return Optional.of(new Relayed(id, headers.get(CloudEventCodec.CE_TIME), record));
    }

    /** The text a JSON-converted value stands for: a JSON string unquoted, JSON null as null, else as is. */
    static String text(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            return node.isTextual() ? node.asText() : node.toString();
        } catch (JsonProcessingException e) {
            // Not JSON at all (a converter that writes plain strings): take it as it is.
            return json;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
