package dev.tenantry.faults;

import java.time.Instant;

/**
 * A record of a dead-letter topic, as much as a scenario needs to say whether a fault it injected
 * explains it.
 *
 * @param originalTopic the topic it was consumed from ({@code dlq-original-topic}), null if unknown
 * @param reason        why it was dead-lettered ({@code dlq-reason}), null if unknown
 * @param eventType     its CloudEvents type ({@code ce_type}), null for a record that was not an event
 */
public record ObservedDeadLetter(
        String topic,
        int partition,
        long offset,
        Instant timestamp,
        String key,
        String originalTopic,
        String reason,
        String eventType) {

    public String position() {
        return topic + "/" + partition + "@" + offset;
    }
}
