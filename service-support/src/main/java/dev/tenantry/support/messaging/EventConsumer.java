package dev.tenantry.support.messaging;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventDecodingException;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.persistence.TransientFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The consumer loop every Tenantry service uses for its topics. Guarantees, per record:
 * <ul>
 *   <li>a record that does not decode (malformed JSON, unknown type, missing headers) goes to the
 *       dead-letter topic with the reason, and the loop carries on with the next record;</li>
 *   <li>a transient failure (see {@link TransientFailures}) is retried with bounded exponential
 *       backoff, then dead-lettered; while the consumer shuts down it is left uncommitted instead,
 *       to be read again after the restart;</li>
 *   <li>when the failure is a dependency away (PostgreSQL or Kafka, see
 *       {@link TransientFailures#isDependencyAway}), a record past its retries is left uncommitted
 *       and read again after the loop's restart backoff, until the dependency is back or the
 *       outage patience has run out: the outage is not the record's fault;</li>
 *   <li>any other failure is dead-lettered at once;</li>
 *   <li>offsets are committed only after a record was handled or dead-lettered (at-least-once;
 *       handlers are idempotent on the event id); asynchronously while running, so the next
 *       record does not wait for the broker, and synchronously when partitions are revoked and at
 *       shutdown, so a clean stop or rebalance repeats nothing;</li>
 *   <li>a record whose dead letter cannot be written (Kafka away longer than the publish timeout)
 *       is not committed: the loop is restarted with backoff on a new KafkaConsumer and reads it
 *       again;</li>
 *   <li>a replayed record that fails again keeps the first-failure time of its dead letter.</li>
 * </ul>
 * Concurrency is one thread and one KafkaConsumer per slot, so records of one partition (one
 * tenant) stay in order while different partitions are handled in parallel. Each slot is
 * supervised: whatever ends its loop other than a shutdown is logged, and the loop starts again
 * after a backoff (doubling up to a bound). {@link #failingSince()} tells liveness how long a loop
 * has been unable to get past a failure.
 */
public final class EventConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_RESTART_BACKOFF = Duration.ofSeconds(30);
    private static final Duration DEFAULT_OUTAGE_PATIENCE = Duration.ofMinutes(10);

    /**
     * What to consume and how hard to try.
     *
     * @param restartBackoff    wait before restarting a loop that failed; doubles with each failure in a row
     * @param maxRestartBackoff bound of that wait; a loop that ran this long without failing counts as recovered
     */
    public record Settings(
            String bootstrapServers,
            String topic,
            String consumerGroup,
            int concurrency,
            RetryPolicy retry,
            Map<String, Object> kafkaOverrides,
            Duration restartBackoff,
            Duration maxRestartBackoff,
            Optional<String> instanceId,
            Duration outagePatience) {
        public Settings {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
            if (restartBackoff.isNegative() || maxRestartBackoff.compareTo(restartBackoff) < 0) {
                throw new IllegalArgumentException("restart backoff must satisfy 0 <= initial <= max");
            }
            kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
            instanceId = instanceId == null ? Optional.empty() : instanceId.filter(id -> !id.isBlank());
            outagePatience = outagePatience == null ? DEFAULT_OUTAGE_PATIENCE : outagePatience;
        }

        public Settings(
                String bootstrapServers,
                String topic,
                String consumerGroup,
                int concurrency,
                RetryPolicy retry,
                Map<String, Object> kafkaOverrides,
                Duration restartBackoff,
                Duration maxRestartBackoff) {
            this(
                    bootstrapServers,
                    topic,
                    consumerGroup,
                    concurrency,
                    retry,
                    kafkaOverrides,
                    restartBackoff,
                    maxRestartBackoff,
                    Optional.empty(),
                    DEFAULT_OUTAGE_PATIENCE);
        }

        public Settings(
                String bootstrapServers,
                String topic,
                String consumerGroup,
                int concurrency,
                RetryPolicy retry,
                Map<String, Object> kafkaOverrides) {
            this(
                    bootstrapServers,
                    topic,
                    consumerGroup,
                    concurrency,
                    retry,
                    kafkaOverrides,
                    DEFAULT_RESTART_BACKOFF,
                    DEFAULT_MAX_RESTART_BACKOFF);
        }

        /**
         * Static group membership: slot {@code i} joins as {@code <instanceId>-<topic>-<i>}. A process
         * restarted after a crash then takes its slots' places in the group at once, instead of
         * waiting, partitions unassigned, until the broker expires the dead members' sessions
         * (45 s by default; a worker crashing more often than that never consumed again). The id
         * must be unique among the instances of a service and stable across its restarts.
         */
        public Settings withInstanceId(Optional<String> id) {
            return new Settings(
                    bootstrapServers,
                    topic,
                    consumerGroup,
                    concurrency,
                    retry,
                    kafkaOverrides,
                    restartBackoff,
                    maxRestartBackoff,
                    id,
                    outagePatience);
        }

        /**
         * How long a record whose handling fails because a dependency is away (see
         * {@link TransientFailures#isDependencyAway}) waits for it, past its retries, before it is
         * dead-lettered after all.
         */
        public Settings withOutagePatience(Duration patience) {
            return new Settings(
                    bootstrapServers,
                    topic,
                    consumerGroup,
                    concurrency,
                    retry,
                    kafkaOverrides,
                    restartBackoff,
                    maxRestartBackoff,
                    instanceId,
                    patience);
        }

        /** The settings every service takes from {@code tenantry.messaging.consumers}. */
        public Settings configuredBy(MessagingConfig.Consumers consumers) {
            return withInstanceId(consumers.instanceId()).withOutagePatience(consumers.outagePatience());
        }
    }

    /** Makes sure the topics a consumer reads and writes exist before it subscribes. */
    @FunctionalInterface
    public interface TopicSetup {
        void ensureTopics(String topic, String consumerGroup) throws Exception;
    }

    private final Settings settings;
    private final EventHandler handler;
    private final DeadLetterPublisher deadLetters;
    private final CloudEventCodec codec = new CloudEventCodec();
    private final List<Slot> slots = new ArrayList<>();
    /** Records waiting for a dependency past their retries, by position: since when. */
    private final Map<String, Instant> awaySince = new java.util.concurrent.ConcurrentHashMap<>();

    private final Counter deadLettered;
    private final Counter restarts;
    private volatile TopicSetup topicSetup;
    private volatile boolean stopping;

    public EventConsumer(
            Settings settings, EventHandler handler, DeadLetterPublisher deadLetters, MeterRegistry registry) {
        this.settings = settings;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.deadLettered = Counter.builder("tenantry.dlq.records")
                .description("Records sent to a dead-letter topic")
                .tag("topic", settings.topic())
                .tag("group", settings.consumerGroup())
                .register(registry);
        this.restarts = Counter.builder("tenantry.consumer.restarts")
                .description("Consumer loops restarted after a failure")
                .tag("topic", settings.topic())
                .tag("group", settings.consumerGroup())
                .register(registry);
    }

    /** Topics to create before the first subscription; set before {@link #start()}. */
    public void ensureTopicsWith(TopicSetup setup) {
        this.topicSetup = setup;
    }

    public synchronized void start() {
        for (int i = 0; i < settings.concurrency(); i++) {
            Slot slot = new Slot(settings.consumerGroup() + "-" + i, i);
            slots.add(slot);
            slot.thread.start();
        }
        LOG.infof(
                "Consuming %s as group %s with %d thread(s)",
                settings.topic(), settings.consumerGroup(), settings.concurrency());
    }

    /** True while every consumer loop runs and none is failing (readiness). */
    public boolean isRunning() {
        return !slots.isEmpty() && slots.stream().allMatch(s -> s.thread.isAlive() && s.failingSince == null);
    }

    /**
     * Since when a loop of this consumer has been unable to get past a failure (crashed and
     * restarting, or its thread ended); empty while every loop runs.
     */
    public Optional<Instant> failingSince() {
        return slots.stream()
                .map(Slot::failingSinceOrDead)
                .filter(Objects::nonNull)
                .min(Comparator.naturalOrder());
    }

    /** How often loops of this consumer were restarted after a failure. */
    public long restartCount() {
        return slots.stream().mapToLong(s -> s.restarts).sum();
    }

    public String topic() {
        return settings.topic();
    }

    public String consumerGroup() {
        return settings.consumerGroup();
    }

    @Override
    public synchronized void close() {
        stopping = true;
        slots.forEach(Slot::wakeUp);
        for (Slot slot : slots) {
            try {
                slot.stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One consumer thread; runs loops one after the other until the consumer is closed. */
    private final class Slot implements Runnable {
        final Thread thread;
        final int index;
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile Loop current;
        volatile Instant failingSince;
        volatile Instant diedAt;
        volatile long restarts;
        private boolean topicsReady;

        Slot(String name, int index) {
            this.index = index;
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        Instant failingSinceOrDead() {
            return diedAt != null ? diedAt : failingSince;
        }

        void wakeUp() {
            Loop loop = current;
            if (loop != null) {
                loop.consumer.wakeup();
            }
        }

        @Override
        public void run() {
            int failuresInARow = 0;
            try {
                while (!stopping) {
                    long started = System.nanoTime();
                    try {
                        if (!topicsReady && topicSetup != null) {
                            topicSetup.ensureTopics(settings.topic(), settings.consumerGroup());
                            topicsReady = true;
                        }
                        Loop loop = new Loop(this);
                        current = loop;
                        loop.run();
                    } catch (VirtualMachineError e) {
                        throw e;
                    } catch (Throwable e) {
                        if (stopping) {
                            break;
                        }
                        boolean ranLongEnough = System.nanoTime() - started
                                >= settings.maxRestartBackoff().toNanos();
                        failuresInARow = ranLongEnough ? 1 : failuresInARow + 1;
                        if (failingSince == null) {
                            failingSince = Instant.now();
                        }
                        restarts++;
                        EventConsumer.this.restarts.increment();
                        Duration backoff = restartBackoff(failuresInARow);
                        if (e instanceof DependencyAwayException) {
                            // Expected while PostgreSQL or Kafka is away: no stack trace for each restart.
                            LOG.warnf(
                                    "Consumer %s of %s waits for a dependency (%d restart(s) in a row, since %s); "
                                            + "restarting it in %d ms: %s",
                                    thread.getName(),
                                    settings.topic(),
                                    failuresInARow,
                                    failingSince,
                                    backoff.toMillis(),
                                    e.getMessage());
                        } else {
                            LOG.errorf(
                                    e,
                                    "Consumer %s of %s failed (%d failure(s) in a row, failing since %s); "
                                            + "restarting it in %d ms",
                                    thread.getName(),
                                    settings.topic(),
                                    failuresInARow,
                                    failingSince,
                                    backoff.toMillis());
                        }
                        sleepUnlessStopping(backoff);
                    } finally {
                        current = null;
                    }
                }
            } finally {
                if (!stopping) {
                    diedAt = Instant.now();
                    LOG.errorf("Consumer %s of %s ended for good", thread.getName(), settings.topic());
                }
                stopped.countDown();
            }
        }

        /** The loop got past its failure: it handled records, or ran long enough to count as recovered. */
        void ranWell(long loopStartedNanos, boolean handledRecords) {
            if (failingSince != null
                    && (handledRecords
                            || System.nanoTime() - loopStartedNanos
                                    >= settings.maxRestartBackoff().toNanos())) {
                LOG.infof(
                        "Consumer %s of %s runs again (failing since %s)",
                        thread.getName(), settings.topic(), failingSince);
                failingSince = null;
            }
        }
    }

    private Duration restartBackoff(int failuresInARow) {
        long base = settings.restartBackoff().toMillis() << Math.min(failuresInARow - 1, 20);
        return Duration.ofMillis(Math.min(base, settings.maxRestartBackoff().toMillis()));
    }

    /** One KafkaConsumer from subscription to close; a failure that escapes it restarts the slot. */
    private final class Loop implements ConsumerRebalanceListener {
        final KafkaConsumer<String, byte[]> consumer;
        private final Slot slot;
        private final long startedNanos = System.nanoTime();
        /** Offsets of everything handled so far whose commit has not been confirmed synchronously. */
        private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();

        Loop(Slot slot) {
            this.slot = slot;
            this.consumer = new KafkaConsumer<>(consumerProperties(slot.index));
        }

        void run() {
            try {
                consumer.subscribe(List.of(settings.topic()), this);
                while (!stopping) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(250));
                    if (records.isEmpty()) {
                        slot.ranWell(startedNanos, false);
                        continue;
                    }
                    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                    boolean complete = true;
                    try {
                        for (ConsumerRecord<String, byte[]> record : records) {
                            // A record given up at shutdown ends the batch: nothing after it may be
                            // committed, or it would be skipped after the restart.
                            if (stopping || !process(record)) {
                                complete = false;
                                break;
                            }
                            done.put(
                                    new TopicPartition(record.topic(), record.partition()),
                                    new OffsetAndMetadata(record.offset() + 1));
                        }
                    } finally {
                        // Also when a record failed beyond handling (its dead letter could not be
                        // written): the records before it are done, it and those after it are not.
                        commitAsync(done);
                    }
                    if (complete) {
                        slot.ranWell(startedNanos, true);
                    }
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    throw e;
                }
            } finally {
                // close() woke the consumer: the wake-up is spent now, so the work already done
                // can still be committed instead of being redone after the restart.
                commitHandled(handled.keySet());
                consumer.close(Duration.ofSeconds(5));
            }
        }

        private void commitAsync(Map<TopicPartition, OffsetAndMetadata> done) {
            if (done.isEmpty()) {
                return;
            }
            handled.putAll(done);
            // A lost asynchronous commit only means those records are read again (idempotent
            // handlers); the synchronous commits at revocation and shutdown cover the clean cases.
            consumer.commitAsync(Map.copyOf(done), (offsets, error) -> {
                if (error != null) {
                    LOG.debugf("Offset commit for %s failed: %s", offsets.keySet(), error.toString());
                }
            });
        }

        private void commitHandled(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = handled.get(partition);
                if (offset != null) {
                    offsets.put(partition, offset);
                }
            }
            if (offsets.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(5));
                offsets.keySet().forEach(handled::remove);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "Could not commit offsets %s of %s (those records will be read again): %s",
                        offsets, settings.topic(), e.toString());
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitHandled(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Nothing to do: positions come from the committed offsets.
        }
    }

    /**
     * Handles one record to an end state: handled, skipped or dead-lettered.
     *
     * @return false if the record was given up because the consumer is stopping: it must not be
     *         committed
     */
    boolean process(ConsumerRecord<String, byte[]> record) {
        if (isReplayForAnotherGroup(record)) {
            return true;
        }
        Instant firstFailure = null;
        EventEnvelope<TenantryEvent> event;
        try {
            event = codec.decode(record.headers(), record.value());
        } catch (EventDecodingException e) {
            deadLetter(
                    record, "undecodable record (" + e.reason() + "): " + e.getMessage(), e, 1, firstFailure(record));
            return true;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(event, record);
                awaySince.remove(position(record));
                return true;
            } catch (Exception e) {
                firstFailure = firstFailure == null ? firstFailure(record) : firstFailure;
                boolean transientFailure = TransientFailures.isTransient(e);
                if (!transientFailure) {
                    deadLetter(record, "permanent failure: " + e.getMessage(), e, attempt, firstFailure);
                    return true;
                }
                if (stopping) {
                    LOG.infof(
                            "Shutting down: %s-%d@%d (%s) left uncommitted after a transient failure, it is read "
                                    + "again after the restart: %s",
                            record.topic(), record.partition(), record.offset(), event.id(), e.getMessage());
                    return false;
                }
                if (!settings.retry().canRetryAfter(attempt)) {
                    if (TransientFailures.isDependencyAway(e) && stillWaitingForDependency(record)) {
                        throw new DependencyAwayException(record, e);
                    }
                    awaySince.remove(position(record));
                    deadLetter(
                            record,
                            "transient failure, retries exhausted: " + e.getMessage(),
                            e,
                            attempt,
                            firstFailure);
                    return true;
                }
                Duration backoff = settings.retry().backoffAfter(attempt);
                LOG.warnf(
                        "Transient failure handling %s (attempt %d), retrying in %d ms: %s",
                        event.id(), attempt, backoff.toMillis(), e.getMessage());
                sleepUnlessStopping(backoff);
            }
        }
    }

    /**
     * Whether a record that failed past its retries because a dependency is away should wait
     * longer: the outage is not the record's fault, so it is left uncommitted and read again once
     * the loop restarts (with backoff), until the dependency is back or the patience has run out
     * (a record that always fails this way must not block its partition for ever).
     */
    private boolean stillWaitingForDependency(ConsumerRecord<String, byte[]> record) {
        if (awaySince.size() > 1_000) {
            awaySince.clear(); // records of partitions this instance no longer owns
        }
        Instant since = awaySince.computeIfAbsent(position(record), p -> Instant.now());
        return Duration.between(since, Instant.now()).compareTo(settings.outagePatience()) < 0;
    }

    private static String position(ConsumerRecord<String, byte[]> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /** Ends a consumer loop without committing the record: a dependency is away, not the record at fault. */
    static final class DependencyAwayException extends RuntimeException {
        DependencyAwayException(ConsumerRecord<String, byte[]> record, Throwable cause) {
            super("dependency away while handling " + position(record) + ": " + cause.getMessage(), cause);
        }
    }

    /** Now, or when a replayed record failed before: the first failure of its dead letter. */
    private static Instant firstFailure(ConsumerRecord<String, byte[]> record) {
        Header carried = record.headers().lastHeader(DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME);
        if (carried != null) {
            try {
                return Instant.parse(new String(carried.value(), StandardCharsets.UTF_8));
            } catch (DateTimeParseException e) {
                LOG.warnf(
                        "Ignoring malformed %s header on %s-%d@%d",
                        DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME,
                        record.topic(),
                        record.partition(),
                        record.offset());
            }
        }
        return Instant.now();
    }

    private boolean isReplayForAnotherGroup(ConsumerRecord<String, byte[]> record) {
        Header target = record.headers().lastHeader(DeadLetterHeaders.REPLAY_TARGET_GROUP);
        return target != null && !settings.consumerGroup().equals(new String(target.value(), StandardCharsets.UTF_8));
    }

    private void deadLetter(
            ConsumerRecord<String, byte[]> record, String reason, Throwable error, int attempts, Instant firstFailure) {
        deadLetters.deadLetter(record, settings.consumerGroup(), reason, error, attempts, firstFailure);
        deadLettered.increment();
    }

    /** Backoff that ends early on shutdown, so close() is not kept waiting by a long backoff. */
    private void sleepUnlessStopping(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (!stopping && System.nanoTime() < deadline) {
                Thread.sleep(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Properties consumerProperties(int slotIndex) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // The topic is part of the member's name: one service may read two topics in one group.
        settings.instanceId()
                .ifPresent(id -> props.put(
                        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id + "-" + settings.topic() + "-" + slotIndex));
        props.putAll(settings.kafkaOverrides());
        return props;
    }
}
