package dev.tenantry.testinfra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka for test code: topics, a producer, and reading what arrived. Keys are strings, values
 * bytes. Closes everything it opened in {@link #close()}.
 *
 * <pre>
 * try (TestKafka kafka = new TestKafka(infra.kafkaBootstrapServers())) {
 *     String topic = TestNames.unique("orders");
 *     kafka.createTopic(topic, 1);
 *     kafka.producer().send(new ProducerRecord&lt;&gt;(topic, "k", bytes)).get();
 *     List&lt;ConsumerRecord&lt;String, byte[]&gt;&gt; got = kafka.consume(topic, 1, Duration.ofSeconds(10));
 * }
 * </pre>
 */
public final class TestKafka implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());
    private Admin admin;

    public TestKafka(String bootstrapServers) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates a topic with replication factor 1, unless it exists; waits until it is usable. */
    public void createTopic(String name, int partitions) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + name + " not created within 30 s", e);
        }
    }

    /** A new idempotent producer ({@code acks=all}); closed by {@link #close()}. */
    public KafkaProducer<String, byte[]> producer() {
        return producer(Map.of());
    }

    /** A new producer with extra settings; closed by {@link #close()}. */
    public KafkaProducer<String, byte[]> producer(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.putAll(overrides);
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        opened.add(producer);
        return producer;
    }

    /**
     * Reads {@code topic} from the beginning, with a consumer group of its own, until
     * {@code expectedCount} records have arrived.
     *
     * @return exactly the first {@code expectedCount} records, in arrival order (per partition order)
     * @throws AssertionError if fewer arrived within {@code timeout}; the message lists what did
     */
    public List<ConsumerRecord<String, byte[]>> consume(String topic, int expectedCount, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            assignFromBeginning(consumer, topic, deadline);
            while (received.size() < expectedCount && System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                records.forEach(received::add);
            }
        }
        if (received.size() < expectedCount) {
            throw new AssertionError("expected " + expectedCount + " records on " + topic + " within "
                    + timeout.toMillis() + " ms, got " + received.size() + ": " + describe(received));
        }
        return List.copyOf(received.subList(0, expectedCount));
    }

    /**
     * Reads {@code topic} from the beginning until a record matches.
     *
     * @throws AssertionError if none matched within {@code timeout}
     */
    public ConsumerRecord<String, byte[]> awaitRecord(
            String topic, Predicate<ConsumerRecord<String, byte[]>> matcher, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            assignFromBeginning(consumer, topic, deadline);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (matcher.test(record)) {
                        return record;
                    }
                    seen.add(record);
                }
            }
        }
        throw new AssertionError("no matching record on " + topic + " within " + timeout.toMillis() + " ms; saw "
                + seen.size() + ": " + describe(seen));
    }

    /** A consumer with a group of its own that starts at the earliest offset; the caller closes it. */
    public KafkaConsumer<String, byte[]> newConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, TestNames.unique("test_consumer"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Assigns every partition of the topic and seeks to the beginning: no group rebalance to
     * wait for. Waits for the topic to exist (it may be created by the code under test).
     */
    private static void assignFromBeginning(KafkaConsumer<String, byte[]> consumer, String topic, long deadline) {
        List<PartitionInfo> partitions = List.of();
        while (System.nanoTime() < deadline) {
            Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(5));
            partitions = Optional.ofNullable(topics.get(topic)).orElse(List.of());
            if (!partitions.isEmpty()) {
                break;
            }
            sleep(100);
        }
        if (partitions.isEmpty()) {
            throw new AssertionError("topic " + topic + " does not exist");
        }
        List<TopicPartition> assignment = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .collect(Collectors.toList());
        consumer.assign(assignment);
        consumer.seekToBeginning(assignment);
    }

    private static String describe(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream()
                .limit(10)
                .map(r -> r.partition() + "@" + r.offset() + " key=" + r.key())
                .collect(Collectors.joining(", ", "[", records.size() > 10 ? ", ...]" : "]"));
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            admin = Admin.create(p);
        }
        return admin;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        List<AutoCloseable> toClose;
        synchronized (opened) {
            toClose = new ArrayList<>(opened);
            opened.clear();
        }
        if (admin != null) {
            toClose.add(admin);
            admin = null;
        }
        RuntimeException failure = null;
        for (AutoCloseable c : toClose) {
            try {
                if (c instanceof KafkaProducer) {
                    ((KafkaProducer<?, ?>) c).close(Duration.ofSeconds(5));
                } else if (c instanceof Admin) {
                    ((Admin) c).close(Duration.ofSeconds(5));
                } else {
                    c.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not close " + c, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
