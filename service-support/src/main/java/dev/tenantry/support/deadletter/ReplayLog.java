package dev.tenantry.support.deadletter;

import dev.tenantry.support.messaging.DeadLetterHeaders;
import dev.tenantry.support.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The durable record of replays, one Kafka record per replay on {@code <dead-letter topic>-replays}.
 * The replay count carried by a record only reaches the dead-letter topic when the replayed
 * record fails again; a dead letter replayed again before that, or after its replay succeeded,
 * must count as well, or the cap could be walked around. Kept beside the dead-letter topic rather
 * than on it, so the dead-letter topic holds dead letters only (its size is what operators watch).
 */
@ApplicationScoped
public class ReplayLog {

    static final String TOPIC_SUFFIX = "-replays";

    private final EventPublisher publisher;
    private final TopicReader reader;

    public ReplayLog(EventPublisher publisher, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.publisher = publisher;
        this.reader = new TopicReader(bootstrapServers);
    }

    public static String topicOf(String deadLetterTopic) {
        return deadLetterTopic + TOPIC_SUFFIX;
    }

    /** How often each dead letter of a dead-letter topic was replayed, by {@link #keyOf(DeadLetter)}. */
    Map<String, Integer> counts(String deadLetterTopic) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> replay : reader.readAll(topicOf(deadLetterTopic))) {
            if (replay.key() != null) {
                counts.merge(replay.key(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Records a replay and returns once Kafka acknowledged it. Called before the replay is sent: a
     * failure between the two can only use up one replay too many, never let one through uncounted.
     */
    void record(String deadLetterTopic, DeadLetter letter, int replayNumber) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REPLAYED_LETTER, letter.id().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.REPLAY_COUNT, Integer.toString(replayNumber).getBytes(StandardCharsets.UTF_8));
        publisher.send(new ProducerRecord<>(topicOf(deadLetterTopic), null, keyOf(letter), null, headers));
    }

    /**
     * Copies of one event (dead-lettered, replayed, dead-lettered again) share their replays; a
     * record without an event id (it did not decode) is known by its place on the topic.
     */
    static String keyOf(DeadLetter letter) {
        return letter.eventId() != null ? "event:" + letter.eventId() : "record:" + letter.id();
    }
}
