package dev.tenantry.support.deadletter;

import dev.tenantry.support.messaging.DeadLetterHeaders;
import dev.tenantry.support.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The durable record of replays, one Kafka record per replay on {@code <dead-letter topic>-replays}.
 * The replay count carried by a record only reaches the dead-letter topic when the replayed
 * record fails again; a dead letter replayed again before that, or after its replay succeeded,
 * must count as well, or the cap could be walked around. Kept beside the dead-letter topic rather
 * than on it, so the dead-letter topic holds dead letters only (its size is what operators watch).
 *
 * <p>Counts are kept per replay-log topic in memory (one number per replayed record, not the
 * records) and brought up to date on each call by reading only what was added since the last
 * one, up to the end offsets of that moment: they are exact, however long the log.
 */
@ApplicationScoped
public class ReplayLog {

    static final String TOPIC_SUFFIX = "-replays";

    private final EventPublisher publisher;
    private final TopicReader reader;
    private final Map<String, Index> indexes = new HashMap<>();

    public ReplayLog(
            EventPublisher publisher, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.publisher = publisher;
        this.reader = new TopicReader(bootstrapServers);
    }

    public static String topicOf(String deadLetterTopic) {
        return deadLetterTopic + TOPIC_SUFFIX;
    }

    /** How often each dead letter of a dead-letter topic was replayed, by {@link #keyOf(DeadLetter)}. */
    synchronized Map<String, Integer> counts(String deadLetterTopic) {
        String topic = topicOf(deadLetterTopic);
        Index index = indexes.computeIfAbsent(topic, t -> new Index());
        index.positions = reader.readOnwards(topic, index.positions, index::add);
        return Map.copyOf(index.counts);
    }

    /**
     * Records a replay and returns once Kafka acknowledged it. Called before the replay is sent: a
     * failure between the two can only use up one replay too many, never let one through uncounted.
     */
    void record(String deadLetterTopic, DeadLetter letter, int replayNumber) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REPLAYED_LETTER, letter.id().getBytes(StandardCharsets.UTF_8));
        headers.add(
                DeadLetterHeaders.REPLAY_COUNT, Integer.toString(replayNumber).getBytes(StandardCharsets.UTF_8));
        publisher.send(new ProducerRecord<>(topicOf(deadLetterTopic), null, keyOf(letter), null, headers));
    }

    /**
     * Copies of one original record (dead-lettered, replayed, dead-lettered again) share their
     * replays: they are counted per origin, which every copy carries, whether or not the record
     * has an event id (garbage bytes have none).
     */
    static String keyOf(DeadLetter letter) {
        return "origin:" + letter.origin();
    }

    /** The key replays were counted under before origins were carried; still read for old letters. */
    static String legacyKeyOf(DeadLetter letter) {
        return letter.eventId() != null ? "event:" + letter.eventId() : "record:" + letter.id();
    }

    private static final class Index {
        Map<TopicPartition, Long> positions = new HashMap<>();
        final Map<String, Integer> counts = new HashMap<>();

        void add(ConsumerRecord<String, byte[]> replay) {
            if (replay.key() != null) {
                counts.merge(replay.key(), 1, Integer::sum);
            }
        }
    }
}
