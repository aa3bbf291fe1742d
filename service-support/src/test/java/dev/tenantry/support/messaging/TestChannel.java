package dev.tenantry.support.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Stands in for one consumer of the SmallRye Kafka connector in service-support's tests, which
 * have no Quarkus application: it hands each record of a topic to {@link IncomingEvents} as the
 * connector does (a message with Kafka metadata), one at a time, and does what the connector's
 * settings do with the outcome: an ack commits the record, a nack goes to
 * {@link DeadLetterStrategy} and commits once the dead letter is written, a record neither acked
 * nor nacked is not committed (and, as the throttled strategy would, nothing after it). The
 * services' own integration tests run the real connector.
 */
public final class TestChannel implements AutoCloseable {

    private final IncomingEvents incoming;
    private final DeadLetterStrategy deadLetters;
    private final String group;
    private final RetryPolicy retry;
    private final EventHandler handler;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    public TestChannel(
            String bootstrapServers,
            String topic,
            String group,
            IncomingEvents incoming,
            DeadLetterStrategy deadLetters,
            RetryPolicy retry,
            EventHandler handler) {
        this.incoming = incoming;
        this.deadLetters = deadLetters;
        this.group = group;
        this.retry = retry;
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::run, "test-channel-" + group);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!closing.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (!settle(record)) {
                        return; // left uncommitted: read again by the next consumer of the group
                    }
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    /** @return whether the record was acked or dead-lettered (and committed) */
    private boolean settle(ConsumerRecord<String, byte[]> record) {
        AtomicBoolean settled = new AtomicBoolean();
        Message<byte[]> message = Message.of(
                record.value(),
                Metadata.of(new IncomingKafkaRecordMetadata<>(record, "test-channel")),
                () -> {
                    commit(record);
                    settled.set(true);
                    return CompletableFuture.completedFuture(null);
                },
                reason -> {
                    if (deadLetters.deadLetter(record, group, reason)) {
                        commit(record);
                        settled.set(true);
                    }
                    return CompletableFuture.completedFuture(null);
                });
        incoming.consume(message, group, retry, handler).toCompletableFuture().join();
        return settled.get();
    }

    private void commit(ConsumerRecord<String, byte[]> record) {
        consumer.commitSync(Map.of(
                new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
    }

    /** Stops as a service does: what is being retried gives up at once and stays uncommitted. */
    @Override
    public void close() throws InterruptedException {
        closing.set(true);
        incoming.stop();
        stopped.await(15, TimeUnit.SECONDS);
    }
}
