package dev.tenantry.support.messaging;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantryEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Handles one decoded event. Throwing a transient failure (see
 * {@link dev.tenantry.support.persistence.TransientFailures}) makes the consumer retry with
 * backoff; any other exception sends the record to the dead-letter topic.
 */
@FunctionalInterface
public interface EventHandler {

    void handle(EventEnvelope<TenantryEvent> event, ConsumerRecord<String, byte[]> record) throws Exception;
}
