package dev.tenantry.support.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Something a service does once a record of one of its channels is in the dead-letter topic
 * (the provisioning service answers an unreadable command with a rejection, for example).
 * {@link DeadLetterStrategy} calls every such bean after the dead letter was written and before
 * the record is committed; a follow-up that fails is logged, the dead letter stays.
 */
public interface DeadLetterFollowUp {

    /**
     * @param error why the record was given up (the cause of its {@link IncomingEvents.Rejected}: a
     *     decoding error, a permanent failure, or the last transient one)
     */
    void deadLettered(ConsumerRecord<String, byte[]> record, String reason, Throwable error);
}
