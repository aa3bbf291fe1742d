package dev.tenantry.support.messaging;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventDecodingException;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.support.persistence.TransientFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li>a transient failure is retried with bounded exponential backoff, then dead-lettered; while
 *       the consumer shuts down it is left uncommitted instead, to be read again after the restart
 *       (the outage is not the record's fault);</li>
 *   <li>any other failure is dead-lettered at once;</li>
 *   <li>offsets are committed only after a record was handled or dead-lettered (at-least-once;
 *       handlers are idempotent on the event id); asynchronously while running, so the next
 *       record does not wait for the broker, and synchronously when partitions are revoked and at
 *       shutdown, so a clean stop or rebalance repeats nothing;</li>
 *   <li>a replayed record that fails again keeps the first-failure time of its dead letter.</li>
 * </ul>
 * Concurrency is one thread and one KafkaConsumer per slot, so records of one partition (one
 * tenant) stay in order while different partitions are handled in parallel.
 */
public final class EventConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    /** What to consume and how hard to try. */
    public record Settings(String bootstrapServers, String topic, String consumerGroup, int concurrency,
                           RetryPolicy retry, Map<String, Object> kafkaOverrides) {
        public Settings {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
            kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
        }
    }

    private final Settings settings;
    private final EventHandler handler;
    private final DeadLetterPublisher deadLetters;
    private final CloudEventCodec codec = new CloudEventCodec();
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicInteger assignedWorkers = new AtomicInteger();
    private final Counter deadLettered;
    private volatile boolean stopping;

    public EventConsumer(Settings settings, EventHandler handler, DeadLetterPublisher deadLetters,
                         MeterRegistry registry) {
        this.settings = settings;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.deadLettered = Counter.builder("tenantry.dlq.records")
                .description("Records sent to a dead-letter topic")
                .tag("topic", settings.topic()).tag("group", settings.consumerGroup())
                .register(registry);
    }

    public synchronized void start() {
        for (int i = 0; i < settings.concurrency(); i++) {
            Worker worker = new Worker(settings.consumerGroup() + "-" + i);
            workers.add(worker);
            worker.thread.start();
        }
        LOG.infof("Consuming %s as group %s with %d thread(s)", settings.topic(), settings.consumerGroup(),
                settings.concurrency());
    }

    /** True while every consumer thread is alive (readiness). */
    public boolean isRunning() {
        return !workers.isEmpty() && workers.stream().allMatch(w -> w.thread.isAlive());
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
        workers.forEach(w -> w.consumer.wakeup());
        for (Worker worker : workers) {
            try {
                worker.stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker implements Runnable, ConsumerRebalanceListener {
        final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties());
        final Thread thread;
        final CountDownLatch stopped = new CountDownLatch(1);
        /** Offsets of everything handled so far whose commit has not been confirmed synchronously. */
        private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();

        Worker(String name) {
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                consumer.subscribe(List.of(settings.topic()), this);
                while (!stopping) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(250));
                    if (records.isEmpty()) {
                        continue;
                    }
                    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        // A record given up at shutdown ends the batch: nothing after it may be
                        // committed, or it would be skipped after the restart.
                        if (stopping || !process(record)) {
                            break;
                        }
                        done.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                    }
                    commitAsync(done);
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    LOG.error("Consumer woken up unexpectedly", e);
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "Consumer %s of %s stopped", thread.getName(), settings.topic());
            } finally {
                // close() woke the consumer: the wake-up is spent now, so the work already done
                // can still be committed instead of being redone after the restart.
                commitHandled(handled.keySet());
                consumer.close(Duration.ofSeconds(5));
                stopped.countDown();
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
                LOG.warnf("Could not commit offsets %s of %s (those records will be read again): %s", offsets,
                        settings.topic(), e.toString());
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
            deadLetter(record, "undecodable record (" + e.reason() + "): " + e.getMessage(), e, 1,
                    firstFailure(record));
            return true;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(event, record);
                return true;
            } catch (Exception e) {
                firstFailure = firstFailure == null ? firstFailure(record) : firstFailure;
                boolean transientFailure = TransientFailures.isTransient(e);
                if (!transientFailure) {
                    deadLetter(record, "permanent failure: " + e.getMessage(), e, attempt, firstFailure);
                    return true;
                }
                if (stopping) {
                    LOG.infof("Shutting down: %s-%d@%d (%s) left uncommitted after a transient failure, it is read "
                            + "again after the restart: %s", record.topic(), record.partition(), record.offset(),
                            event.id(), e.getMessage());
                    return false;
                }
                if (!settings.retry().canRetryAfter(attempt)) {
                    deadLetter(record, "transient failure, retries exhausted: " + e.getMessage(), e, attempt,
                            firstFailure);
                    return true;
                }
                Duration backoff = settings.retry().backoffAfter(attempt);
                LOG.warnf("Transient failure handling %s (attempt %d), retrying in %d ms: %s", event.id(), attempt,
                        backoff.toMillis(), e.getMessage());
                sleepUnlessStopping(backoff);
            }
        }
    }

    /** Now, or when a replayed record failed before: the first failure of its dead letter. */
    private static Instant firstFailure(ConsumerRecord<String, byte[]> record) {
        Header carried = record.headers().lastHeader(DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME);
        if (carried != null) {
            try {
                return Instant.parse(new String(carried.value(), StandardCharsets.UTF_8));
            } catch (DateTimeParseException e) {
                LOG.warnf("Ignoring malformed %s header on %s-%d@%d", DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME,
                        record.topic(), record.partition(), record.offset());
            }
        }
        return Instant.now();
    }

    private boolean isReplayForAnotherGroup(ConsumerRecord<String, byte[]> record) {
        Header target = record.headers().lastHeader(DeadLetterHeaders.REPLAY_TARGET_GROUP);
        return target != null
                && !settings.consumerGroup().equals(new String(target.value(), StandardCharsets.UTF_8));
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, Throwable error, int attempts,
                            Instant firstFailure) {
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

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.putAll(settings.kafkaOverrides());
        return props;
    }
}
