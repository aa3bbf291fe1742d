package dev.tenantry.support.deadletter;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One record on a dead-letter topic, as an operator sees it: what it was, why it failed, where
 * it came from, and how often it has been replayed already.
 *
 * @param id the record's address on the dead-letter topic, {@code <dlq topic>/<partition>/<offset>}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String id, String eventId, String eventType, String tenant, String reason,
                         String errorClass, String errorMessage, String originalTopic, Integer originalPartition,
                         Long originalOffset, String consumerGroup, String firstFailureTime, int attempts,
                         int replayCount, Instant deadLetteredAt) {
}
