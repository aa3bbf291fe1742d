package dev.tenantry.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One record produced (acks=all, as the services produce) and consumed again on the same broker:
 * the least any event-driven signup pays for crossing Kafka once. A topic of one partition, so
 * a consumer thread of its own per caller is not needed: callers take turns.
 */
final class KafkaRoundTrip implements AutoCloseable {

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;

    KafkaRoundTrip(String bootstrap, String topic) throws Exception {
        this.topic = topic;
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin client = Admin.create(admin)) {
            if (!client.listTopics().names().get().contains(topic)) {
                client.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                        .all()
                        .get();
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
    }

    /** Nanoseconds from send to the record being polled back. */
    synchronized long once() throws Exception {
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, new byte[512])).get();
        int seen = 0;
        while (seen == 0) {
            seen = consumer.poll(Duration.ofMillis(100)).count();
            if (System.nanoTime() - start > Duration.ofMinutes(1).toNanos()) {
                throw new IllegalStateException("a produced record did not come back within a minute");
            }
        }
        return System.nanoTime() - start;
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
