package dev.tenantry.support.deadletter;

import dev.tenantry.contracts.Topics;
import dev.tenantry.support.messaging.DeadLetterHeaders;
import dev.tenantry.support.messaging.EventPublisher;
import dev.tenantry.support.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * cap allows is refused, however its earlier replays ended. The cap counts per original record:
 * every dead letter of it (however often it was replayed and failed again) carries its origin.
 * Dead-letter topics are read newest first and bounded ({@link TopicReader}), never whole.
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
    private final int scanLimit;
    private final Duration replayWindow;

    @Inject
    public DeadLetterAdmin(
            DeadLetterSources sources,
            EventPublisher publisher,
            ReplayLog replayLog,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "tenantry.dead-letters.max-replays", defaultValue = "3") int maxReplays,
            @ConfigProperty(name = "tenantry.dead-letters.scan-limit", defaultValue = "10000") int scanLimit,
            @ConfigProperty(name = REPLAY_WINDOW, defaultValue = DEFAULT_REPLAY_WINDOW) Duration replayWindow) {
        this.sources = sources;
        this.publisher = publisher;
        this.replayLog = replayLog;
        this.reader = new TopicReader(bootstrapServers);
        this.maxReplays = maxReplays;
        this.scanLimit = scanLimit;
        this.replayWindow = replayWindow;
    }

    public DeadLetterAdmin(
            DeadLetterSources sources,
            EventPublisher publisher,
            ReplayLog replayLog,
            String bootstrapServers,
            int maxReplays) {
        this(sources, publisher, replayLog, bootstrapServers, maxReplays, 10_000, Duration.parse("P7D"));
    }

    /**
     * Dead letters of this service's consumers, newest first, filtered: one page of at most
     * {@code limit}, reading at most {@code tenantry.dead-letters.scan-limit} records.
     *
     * @param cursor the {@code nextCursor} of the previous page, or null for the newest
     */
    public DeadLetterPage list(
            String consumerGroup, String tenant, String eventType, Instant since, int limit, String cursor) {
        Map<String, Map<String, Integer>> replays = new HashMap<>();
        TopicReader.Page page = reader.newestFirst(
                topicsOf(consumerGroup),
                cursor,
                since,
                r -> (tenant == null || tenant.equals(r.key()))
                        && (eventType == null || eventType.equals(header(r, "ce_type"))),
                limit,
                scanLimit);
        List<DeadLetter> letters =
                page.records().stream().map(r -> withReplayCount(r, replays)).toList();
        return new DeadLetterPage(letters, page.nextCursor(), page.partial());
    }

    public Optional<DeadLetter> find(String id) {
        String[] parts = id.split("/");
        if (parts.length != 3 || !topicsOf(null).contains(parts[0])) {
            return Optional.empty();
        }
        try {
            return reader.at(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]))
                    .map(r -> withReplayCount(r, new HashMap<>()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
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
        Predicate<ConsumerRecord<String, byte[]>> selected = r -> request.eventId() != null
                ? request.eventId().equals(header(r, "ce_id"))
                : request.tenant() == null || request.tenant().equals(r.key());
        // Newest first: the first dead letter seen of an original record is its newest copy, the
        // one replayed; older copies of it are skipped (they share its replay count).
        Set<String> seen = new HashSet<>();
        Predicate<ConsumerRecord<String, byte[]>> newestCopy = r -> selected.test(r)
                && seen.add(header(r, DeadLetterHeaders.CONSUMER_GROUP) + "|" + ReplayLog.keyOf(toDeadLetter(r)));
        Map<String, Map<String, Integer>> replays = new HashMap<>();
        List<DeadLetter> replayed = new ArrayList<>();
        List<ReplayResult.Refused> refused = new ArrayList<>();
        TopicReader.Page page = reader.newestFirst(
                topicsOf(request.consumerGroup()),
                null,
                request.since(),
                newestCopy,
                request.limit() + maxRefusalsShown(request),
                scanLimit);
        for (ConsumerRecord<String, byte[]> record : page.records()) {
            if (replayed.size() >= request.limit()) {
                break;
            }
            DeadLetter letter = withReplayCount(record, replays);
            if (letter.replayCount() >= maxReplays) {
                refused.add(new ReplayResult.Refused(
                        letter, "replayed " + letter.replayCount() + " time(s) already; the cap is " + maxReplays));
                continue;
            }
            if (letter.deadLetteredAt().isBefore(Instant.now().minus(replayWindow))) {
                refused.add(new ReplayResult.Refused(
                        letter,
                        "dead-lettered more than " + replayWindow + " ago (" + REPLAY_WINDOW
                                + "): a repeat could no longer be recognised"));
                continue;
            }
            if (letter.originalTopic() == null || letter.consumerGroup() == null) {
                refused.add(new ReplayResult.Refused(letter, "the dead letter does not say where it came from"));
                continue;
            }
            if (!request.isDryRun()) {
                replayLog.record(record.topic(), letter, letter.replayCount() + 1);
                publisher.send(replayRecord(record, letter));
                LOG.infof(
                        "Replayed dead letter %s to %s for group %s (replay %d)",
                        letter.id(), letter.originalTopic(), letter.consumerGroup(), letter.replayCount() + 1);
            }
            replayed.add(letter);
        }
        return new ReplayResult(request.isDryRun(), replayed, refused, page.partial());
    }

    /** Letters refused by the cap do not use up the replay limit; up to as many again are looked at. */
    private static int maxRefusalsShown(ReplayRequest request) {
        return request.limit();
    }

    /** The dead-letter topics of this service (of one consumer group, if given). */
    private List<String> topicsOf(String consumerGroup) {
        List<String> topics = new ArrayList<>();
        for (DeadLetterSources.Source source : sources.all()) {
            if (consumerGroup == null || consumerGroup.equals(source.consumerGroup())) {
                topics.add(Topics.deadLetter(source.topic(), source.consumerGroup()));
            }
        }
        return topics;
    }

    /** The dead letter with its replay count: the replay log's, or the count it carries if higher. */
    private DeadLetter withReplayCount(
            ConsumerRecord<String, byte[]> record, Map<String, Map<String, Integer>> replays) {
        DeadLetter letter = toDeadLetter(record);
        Map<String, Integer> counts = replays.computeIfAbsent(record.topic(), replayLog::counts);
        int logged = Math.max(
                counts.getOrDefault(ReplayLog.keyOf(letter), 0), counts.getOrDefault(ReplayLog.legacyKeyOf(letter), 0));
        return letter.withReplayCount(Math.max(letter.replayCount(), logged));
    }

    private static ProducerRecord<String, byte[]> replayRecord(
            ConsumerRecord<String, byte[]> record, DeadLetter letter) {
        Headers headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dlq-")
                    && !header.key().equals(DeadLetterHeaders.REPLAY_COUNT)
                    && !header.key().equals(DeadLetterHeaders.REPLAY_TARGET_GROUP)
                    && !header.key().equals(DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME)
                    && !header.key().equals(DeadLetterHeaders.REPLAY_ORIGIN)) {
                headers.add(header);
            }
        }
        headers.add(
                DeadLetterHeaders.REPLAY_COUNT,
                Integer.toString(letter.replayCount() + 1).getBytes(StandardCharsets.UTF_8));
        headers.add(
                DeadLetterHeaders.REPLAY_TARGET_GROUP, letter.consumerGroup().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.REPLAY_ORIGIN, letter.origin().getBytes(StandardCharsets.UTF_8));
        if (letter.firstFailureTime() != null) {
            headers.add(
                    DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME,
                    letter.firstFailureTime().getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(letter.originalTopic(), null, record.key(), record.value(), headers);
    }

    private static DeadLetter toDeadLetter(ConsumerRecord<String, byte[]> r) {
        return new DeadLetter(
                r.topic() + "/" + r.partition() + "/" + r.offset(),
                header(r, "ce_id"),
                header(r, "ce_type"),
                r.key(),
                header(r, DeadLetterHeaders.REASON),
                header(r, DeadLetterHeaders.ERROR_CLASS),
                header(r, DeadLetterHeaders.ERROR_MESSAGE),
                header(r, DeadLetterHeaders.ORIGINAL_TOPIC),
                parseInt(header(r, DeadLetterHeaders.ORIGINAL_PARTITION)),
                parseLong(header(r, DeadLetterHeaders.ORIGINAL_OFFSET)),
                originOf(r),
                header(r, DeadLetterHeaders.CONSUMER_GROUP),
                header(r, DeadLetterHeaders.FIRST_FAILURE_TIME),
                Optional.ofNullable(parseInt(header(r, DeadLetterHeaders.ATTEMPTS)))
                        .orElse(0),
                Optional.ofNullable(parseInt(header(r, DeadLetterHeaders.REPLAY_COUNT)))
                        .orElse(0),
                Instant.ofEpochMilli(r.timestamp()));
    }

    /** Letters written before origins were carried: the place of the record that failed. */
    private static String originOf(ConsumerRecord<String, byte[]> r) {
        String origin = header(r, DeadLetterHeaders.ORIGIN);
        if (origin != null) {
            return origin;
        }
        String topic = header(r, DeadLetterHeaders.ORIGINAL_TOPIC);
        return topic == null
                ? r.topic() + "/" + r.partition() + "/" + r.offset()
                : topic + "/" + header(r, DeadLetterHeaders.ORIGINAL_PARTITION) + "/"
                        + header(r, DeadLetterHeaders.ORIGINAL_OFFSET);
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
