package dev.tenantry.support.deadletter;

import dev.tenantry.contracts.Topics;
import dev.tenantry.support.messaging.DeadLetterHeaders;
import dev.tenantry.support.messaging.EventPublisher;
import dev.tenantry.support.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Lets operators see and replay this service's dead letters without Kafka access. A replay sends
 * the original record (key, value, headers) back to its original topic, addressed to the consumer
 * group that failed it: other groups skip it, so they never process an event twice. Each replay
 * increments a count carried on the record; past the configured cap a dead letter is refused.
 */
@ApplicationScoped
public class DeadLetterAdmin {

    private static final Logger LOG = Logger.getLogger(DeadLetterAdmin.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final DeadLetterSources sources;
    private final EventPublisher publisher;
    private final String bootstrapServers;
    private final int maxReplays;

    public DeadLetterAdmin(DeadLetterSources sources, EventPublisher publisher,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                           @ConfigProperty(name = "tenantry.dead-letters.max-replays", defaultValue = "3") int maxReplays) {
        this.sources = sources;
        this.publisher = publisher;
        this.bootstrapServers = bootstrapServers;
        this.maxReplays = maxReplays;
    }

    /** Dead letters of this service's consumers, newest first, filtered. */
    public List<DeadLetter> list(String consumerGroup, String tenant, String eventType, Instant since, int limit) {
        Predicate<DeadLetter> filter = d -> (tenant == null || tenant.equals(d.tenant()))
                && (eventType == null || eventType.equals(d.eventType()))
                && (since == null || !d.deadLetteredAt().isBefore(since));
        return read(consumerGroup).stream().map(Stored::deadLetter).filter(filter)
                .sorted(Comparator.comparing(DeadLetter::deadLetteredAt).reversed())
                .limit(limit).toList();
    }

    public Optional<DeadLetter> find(String id) {
        return read(null).stream().map(Stored::deadLetter).filter(d -> d.id().equals(id)).findFirst();
    }

    public ReplayResult replay(ReplayRequest request) {
        if (request.selectorCount() != 1) {
            throw ProblemException.badRequest("Choose exactly one of eventId, tenant, since or all");
        }
        if (request.limit() < 1 || request.limit() > 10_000) {
            throw ProblemException.invalidField("max", "must be between 1 and 10000");
        }
        Predicate<DeadLetter> selected = d -> request.eventId() != null ? request.eventId().equals(d.eventId())
                : request.tenant() != null ? request.tenant().equals(d.tenant())
                : request.since() == null || !d.deadLetteredAt().isBefore(request.since());
        List<DeadLetter> replayed = new ArrayList<>();
        List<ReplayResult.Refused> refused = new ArrayList<>();
        for (Stored stored : latestPerEvent(read(request.consumerGroup()))) {
            DeadLetter letter = stored.deadLetter();
            if (!selected.test(letter) || replayed.size() >= request.limit()) {
                continue;
            }
            if (letter.replayCount() >= maxReplays) {
                refused.add(new ReplayResult.Refused(letter, "replayed " + letter.replayCount()
                        + " time(s) already; the cap is " + maxReplays));
                continue;
            }
            if (letter.originalTopic() == null || letter.consumerGroup() == null) {
                refused.add(new ReplayResult.Refused(letter, "the dead letter does not say where it came from"));
                continue;
            }
            if (!request.isDryRun()) {
                publisher.send(replayRecord(stored.record(), letter));
                LOG.infof("Replayed dead letter %s to %s for group %s (replay %d)", letter.id(), letter.originalTopic(),
                        letter.consumerGroup(), letter.replayCount() + 1);
            }
            replayed.add(letter);
        }
        return new ReplayResult(request.isDryRun(), replayed, refused);
    }

    /**
     * A record replayed and failed again is dead-lettered again, with a higher replay count. Only
     * the newest entry of each event counts, so the cap cannot be dodged by replaying an old copy.
     */
    private static List<Stored> latestPerEvent(List<Stored> stored) {
        Map<String, Stored> latest = new java.util.LinkedHashMap<>();
        for (Stored s : stored) {
            DeadLetter d = s.deadLetter();
            String key = d.eventId() == null ? d.id() : d.consumerGroup() + "|" + d.eventId();
            latest.merge(key, s, (a, b) -> b.deadLetter().replayCount() >= a.deadLetter().replayCount() ? b : a);
        }
        return List.copyOf(latest.values());
    }

    private static ProducerRecord<String, byte[]> replayRecord(ConsumerRecord<String, byte[]> record, DeadLetter letter) {
        Headers headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dlq-") && !header.key().equals(DeadLetterHeaders.REPLAY_COUNT)
                    && !header.key().equals(DeadLetterHeaders.REPLAY_TARGET_GROUP)) {
                headers.add(header);
            }
        }
        headers.add(DeadLetterHeaders.REPLAY_COUNT,
                Integer.toString(letter.replayCount() + 1).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.REPLAY_TARGET_GROUP, letter.consumerGroup().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(letter.originalTopic(), null, record.key(), record.value(), headers);
    }

    private record Stored(ConsumerRecord<String, byte[]> record, DeadLetter deadLetter) {
    }

    private List<Stored> read(String consumerGroup) {
        List<Stored> all = new ArrayList<>();
        for (DeadLetterSources.Source source : sources.all()) {
            if (consumerGroup == null || consumerGroup.equals(source.consumerGroup())) {
                String topic = Topics.deadLetter(source.topic(), source.consumerGroup());
                readTopic(topic).forEach(r -> all.add(new Stored(r, toDeadLetter(r))));
            }
        }
        return all;
    }

    private List<ConsumerRecord<String, byte[]>> readTopic(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.listTopics(READ_TIMEOUT).getOrDefault(topic, List.of());
            if (partitions.isEmpty()) {
                return records;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static DeadLetter toDeadLetter(ConsumerRecord<String, byte[]> r) {
        return new DeadLetter(r.topic() + "/" + r.partition() + "/" + r.offset(), header(r, "ce_id"),
                header(r, "ce_type"), r.key(), header(r, DeadLetterHeaders.REASON), header(r, DeadLetterHeaders.ERROR_CLASS),
                header(r, DeadLetterHeaders.ERROR_MESSAGE), header(r, DeadLetterHeaders.ORIGINAL_TOPIC),
                parseInt(header(r, DeadLetterHeaders.ORIGINAL_PARTITION)),
                parseLong(header(r, DeadLetterHeaders.ORIGINAL_OFFSET)), header(r, DeadLetterHeaders.CONSUMER_GROUP),
                header(r, DeadLetterHeaders.FIRST_FAILURE_TIME),
                Optional.ofNullable(parseInt(header(r, DeadLetterHeaders.ATTEMPTS))).orElse(0),
                Optional.ofNullable(parseInt(header(r, DeadLetterHeaders.REPLAY_COUNT))).orElse(0),
                Instant.ofEpochMilli(r.timestamp()));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Integer parseInt(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
