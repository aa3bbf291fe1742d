package dev.tenantry.support.deadletter;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One record on a dead-letter topic, as an operator sees it: what it was, why it failed, where
 * it came from, and how often it has been replayed already.
 *
 * @param id          the record's address on the dead-letter topic, {@code <dlq topic>/<partition>/<offset>}
 * @param origin      the original record, {@code <topic>/<partition>/<offset>} where it was first consumed:
 *                    shared by every dead letter of it; the replay cap counts per origin
 * @param replayCount how often this record was replayed to its consumer group so far (from the replay log)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(
        String id,
        String eventId,
        String eventType,
        String tenant,
        String reason,
        String errorClass,
        String errorMessage,
        String originalTopic,
        Integer originalPartition,
        Long originalOffset,
        String origin,
        String consumerGroup,
        String firstFailureTime,
        int attempts,
        int replayCount,
        Instant deadLetteredAt) {

    DeadLetter withReplayCount(int count) {
        return new DeadLetter(
                id,
                eventId,
                eventType,
                tenant,
                reason,
                errorClass,
                errorMessage,
                originalTopic,
                originalPartition,
                originalOffset,
                origin,
                consumerGroup,
                firstFailureTime,
                attempts,
                count,
                deadLetteredAt);
    }
}
