package dev.tenantry.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes Kafka deliver every event more than once: each record that appears on the watched topics
 * is written again, {@code extraCopies} times, to the same topic with the same key, value and
 * headers (so to the same partition, behind whatever came after it), the way a producer retry or
 * a relay restarted before its offset was flushed repeats an event. Copies carry a marker header
 * so that they are not copied again.
 */
final class EventDuplicator implements AutoCloseable {

    static final String COPY_HEADER = "fault-suite-copy";

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger copies = new AtomicInteger();
    private final Thread thread;
    private final String bootstrapServers;
    private final List<String> topics;
    private final int extraCopies;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile Throwable failure;

    EventDuplicator(String bootstrapServers, List<String> topics, int extraCopies) {
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
        this.extraCopies = extraCopies;
        this.thread = new Thread(this::run, "event-duplicator");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** How many copies were written so far. */
    int copies() {
        return copies.get();
    }

    private void run() {
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig)) {
            // Assigned, not subscribed: no group, and the starting point (the end of each partition
            // now) is fixed before the scenario writes anything.
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(60))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            assigned.countDown();
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.headers().lastHeader(COPY_HEADER) != null) {
                        continue;
                    }
                    for (int i = 1; i <= extraCopies; i++) {
                        ProducerRecord<String, byte[]> copy =
                                new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value());
                        for (Header header : record.headers()) {
                            copy.headers().add(header);
                        }
                        copy.headers().add(COPY_HEADER, Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                        producer.send(copy).get();
                        copies.incrementAndGet();
                    }
                }
            }
        } catch (Throwable e) {
            failure = e;
            assigned.countDown();
        }
    }

    /** Waits until the duplicator knows where each partition ends: everything written afterwards is copied. */
    void awaitAssigned(Duration patience) throws InterruptedException {
        if (!assigned.await(patience.toMillis(), TimeUnit.MILLISECONDS) || failure != null) {
            throw new IllegalStateException("the duplicator did not start", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
        if (failure != null) {
            throw new IllegalStateException("the duplicator failed", failure);
        }
    }
}
