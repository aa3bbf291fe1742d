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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Lets operators see and replay this service's dead letters without Kafka access. A replay sends
 * the original record (key, value, headers) back to its original topic, addressed to the consumer
 * group that failed it: other groups skip it, so they never process an event twice. Every replay is
 * counted in the {@link ReplayLog} before it is sent; an event replayed as often as the configured
 * cap allows is refused, however its earlier replays ended.
 *
 * <p>A letter is replayed only within the replay window after it was dead-lettered. Consumers
 * recognise a repeat by its event id in their processed-event log, whose ids are pruned after a
 * retention that each service requires to be longer than this window ({@link #REPLAY_WINDOW}): so a
 * letter replayed again after an earlier replay succeeded is always recognised and skipped.
 */
@ApplicationScoped
public class DeadLetterAdmin {

    /** Property naming how long after dead-lettering a letter may be replayed. */
    public static final String REPLAY_WINDOW = "tenantry.dead-letters.replay-window";
    public static final String DEFAULT_REPLAY_WINDOW = "7d";
    private static final Logger LOG = Logger.getLogger(DeadLetterAdmin.class);

    private final DeadLetterSources sources;
    private final EventPublisher publisher;
    private final ReplayLog replayLog;
    private final TopicReader reader;
    private final int maxReplays;
    private final Duration replayWindow;

    public DeadLetterAdmin(DeadLetterSources sources, EventPublisher publisher, ReplayLog replayLog,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                           @ConfigProperty(name = "tenantry.dead-letters.max-replays", defaultValue = "3") int maxReplays,
                           @ConfigProperty(name = REPLAY_WINDOW, defaultValue = DEFAULT_REPLAY_WINDOW)
                           Duration replayWindow) {
        this.sources = sources;
        this.publisher = publisher;
        this.replayLog = replayLog;
        this.reader = new TopicReader(bootstrapServers);
        this.maxReplays = maxReplays;
        this.replayWindow = replayWindow;
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

    /**
     * Synchronized so that two replay requests to this instance cannot both read the same count and
     * both replay; the count itself is durable, so it holds across restarts and instances.
     */
    public synchronized ReplayResult replay(ReplayRequest request) {
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
            if (letter.deadLetteredAt().isBefore(Instant.now().minus(replayWindow))) {
                refused.add(new ReplayResult.Refused(letter, "dead-lettered more than " + replayWindow
                        + " ago (" + REPLAY_WINDOW + "): a repeat could no longer be recognised"));
                continue;
            }
            if (letter.originalTopic() == null || letter.consumerGroup() == null) {
                refused.add(new ReplayResult.Refused(letter, "the dead letter does not say where it came from"));
                continue;
            }
            if (!request.isDryRun()) {
                replayLog.record(stored.record().topic(), letter, letter.replayCount() + 1);
                publisher.send(replayRecord(stored.record(), letter));
                LOG.infof("Replayed dead letter %s to %s for group %s (replay %d)", letter.id(), letter.originalTopic(),
                        letter.consumerGroup(), letter.replayCount() + 1);
            }
            replayed.add(letter);
        }
        return new ReplayResult(request.isDryRun(), replayed, refused);
    }

    /**
     * A record replayed and failed again is dead-lettered again: one event, several copies. Only the
     * newest copy is replayed, once; all copies share the event's replay count.
     */
    private static List<Stored> latestPerEvent(List<Stored> stored) {
        Map<String, Stored> latest = new LinkedHashMap<>();
        for (Stored s : stored) {
            DeadLetter d = s.deadLetter();
            String key = d.consumerGroup() + "|" + ReplayLog.keyOf(d);
            latest.merge(key, s, (a, b) -> b.record().offset() >= a.record().offset() ? b : a);
        }
        return List.copyOf(latest.values());
    }

    private static ProducerRecord<String, byte[]> replayRecord(ConsumerRecord<String, byte[]> record, DeadLetter letter) {
        Headers headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dlq-") && !header.key().equals(DeadLetterHeaders.REPLAY_COUNT)
                    && !header.key().equals(DeadLetterHeaders.REPLAY_TARGET_GROUP)
                    && !header.key().equals(DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME)) {
                headers.add(header);
            }
        }
        headers.add(DeadLetterHeaders.REPLAY_COUNT,
                Integer.toString(letter.replayCount() + 1).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.REPLAY_TARGET_GROUP, letter.consumerGroup().getBytes(StandardCharsets.UTF_8));
        if (letter.firstFailureTime() != null) {
            headers.add(DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME,
                    letter.firstFailureTime().getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(letter.originalTopic(), null, record.key(), record.value(), headers);
    }

    private record Stored(ConsumerRecord<String, byte[]> record, DeadLetter deadLetter) {
    }

    /** The dead letters of this service (of one consumer group, if given), with their replay counts. */
    private List<Stored> read(String consumerGroup) {
        List<Stored> all = new ArrayList<>();
        for (DeadLetterSources.Source source : sources.all()) {
            if (consumerGroup == null || consumerGroup.equals(source.consumerGroup())) {
                String topic = Topics.deadLetter(source.topic(), source.consumerGroup());
                List<ConsumerRecord<String, byte[]>> records = reader.readAll(topic);
                Map<String, Integer> replays = records.isEmpty() ? Map.of() : replayLog.counts(topic);
                for (ConsumerRecord<String, byte[]> record : records) {
                    DeadLetter letter = toDeadLetter(record);
                    // Letters replayed before the replay log existed only know the count they carry.
                    int replayed = Math.max(letter.replayCount(), replays.getOrDefault(ReplayLog.keyOf(letter), 0));
                    all.add(new Stored(record, letter.withReplayCount(replayed)));
                }
            }
        }
        return all;
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
