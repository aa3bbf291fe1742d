package dev.tenantry.support.messaging;

import dev.tenantry.contracts.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Moves a record that a consumer cannot process to {@code <topic>.<group>.dlq}: same key, value
 * and headers, plus {@link DeadLetterHeaders} saying why, so nothing is lost and an operator can
 * fix the cause and replay it.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);
    private static final int MAX_MESSAGE_LENGTH = 2000;

    private final EventPublisher publisher;

    public DeadLetterPublisher(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public void deadLetter(
            ConsumerRecord<String, byte[]> record,
            String consumerGroup,
            String reason,
            Throwable error,
            int attempts,
            Instant firstFailure) {
        String topic = Topics.deadLetter(record.topic(), consumerGroup);
        Headers headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dlq-")) {
                headers.add(header);
            }
        }
        put(headers, DeadLetterHeaders.REASON, reason);
        put(
                headers,
                DeadLetterHeaders.ERROR_CLASS,
                error == null ? "none" : error.getClass().getName());
        put(
                headers,
                DeadLetterHeaders.ERROR_MESSAGE,
                truncate(error == null ? reason : String.valueOf(error.getMessage())));
        put(headers, DeadLetterHeaders.ORIGINAL_TOPIC, record.topic());
        put(headers, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(record.partition()));
        put(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(record.offset()));
        put(headers, DeadLetterHeaders.CONSUMER_GROUP, consumerGroup);
        put(headers, DeadLetterHeaders.FIRST_FAILURE_TIME, firstFailure.toString());
        put(headers, DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts));
        put(headers, DeadLetterHeaders.ORIGIN, originOf(record));
        publisher.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers));
        LOG.warnf(
                "Dead-lettered %s-%d@%d to %s after %d attempt(s): %s",
                record.topic(), record.partition(), record.offset(), topic, attempts, reason);
    }

    /** A replayed copy names the record it is a copy of; any other record is its own origin. */
    private static String originOf(ConsumerRecord<String, byte[]> record) {
        Header carried = record.headers().lastHeader(DeadLetterHeaders.REPLAY_ORIGIN);
        if (carried != null && carried.value() != null && carried.value().length > 0) {
            return new String(carried.value(), StandardCharsets.UTF_8);
        }
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    private static void put(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }
}
