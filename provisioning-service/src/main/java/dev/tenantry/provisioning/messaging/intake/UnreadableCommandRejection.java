package dev.tenantry.provisioning.messaging.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.Topics;
import dev.tenantry.provisioning.service.TenantRequests;
import dev.tenantry.support.messaging.DeadLetterFollowUp;
import dev.tenantry.support.persistence.TransientFailures;
import dev.tenantry.support.rest.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * The answer to the sender of a dead-lettered command: a command that cannot be read (a slug that
 * breaks the contract, malformed JSON, an unknown type) is rejected with TenantRequestRejected,
 * like a command that breaks a rule. A transient failure that ran out of retries is not the
 * sender's fault and is only dead-lettered, for replay.
 */
@ApplicationScoped
class UnreadableCommandRejection implements DeadLetterFollowUp {

    private static final Logger LOG = Logger.getLogger(UnreadableCommandRejection.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TenantRequests requests;

    UnreadableCommandRejection(TenantRequests requests) {
        this.requests = requests;
    }

    @Override
    public void deadLettered(ConsumerRecord<String, byte[]> record, String reason, Throwable error) {
        if (!Topics.TENANT_COMMANDS.equals(record.topic()) || (error != null && TransientFailures.isTransient(error))) {
            return;
        }
        String eventId = header(record, CloudEventCodec.CE_ID);
        String coordinates = record.topic() + "-" + record.partition() + "@" + record.offset();
        String commandId = firstNonBlank(dataField(record, "commandId"), eventId, coordinates);
        String type = header(record, CloudEventCodec.CE_TYPE);
        String commandType = type == null
                ? "unknown"
                : EventType.byType(type).map(EventType::simpleName).orElse(type);
        String subject = firstNonBlank(dataField(record, "tenantId"), dataField(record, "slug"), record.key());
        try {
            requests.reject(
                    eventId != null ? eventId : coordinates,
                    header(record, CloudEventCodec.CE_CORRELATIONID),
                    commandId,
                    commandType,
                    subject,
                    new Problem(Problem.type("unreadable-command"), "Unreadable command", 400, reason, null, null));
        } catch (Exception e) {
            // The record is in the dead-letter topic already: nothing is lost, only the answer.
            LOG.errorf(e, "Could not reject unreadable command %s (%s)", commandId, coordinates);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        String value = new String(header.value(), StandardCharsets.UTF_8).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? null : value;
    }

    private static String dataField(ConsumerRecord<String, byte[]> record, String field) {
        if (record.value() == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(record.value());
            JsonNode value = node == null ? null : node.get(field);
            return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
