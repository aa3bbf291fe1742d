package dev.tenantry.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.support.deadletter.DeadLetterSources;
import dev.tenantry.support.deadletter.TopicProvisioner;
import dev.tenantry.support.health.ConsumerLivenessCheck;
import dev.tenantry.testinfra.EmbeddedKafkaServer;
import dev.tenantry.testinfra.TestKafka;
import dev.tenantry.testinfra.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer loop while Kafka stops answering. A broker of its own (not the shared one of the
 * test infrastructure), so that it can be paused with SIGSTOP like a hung broker, and with
 * {@code auto.create.topics.enable=false} like a production broker: every topic a test uses must
 * have been created by the code under test.
 */
class KafkaOutageIT {

    private static final URI SOURCE = URI.create("urn:tenantry:service-support-tests");
    private static final CloudEventCodec CODEC = new CloudEventCodec();
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration AWAIT = Duration.ofSeconds(90);

    private static EmbeddedKafkaServer broker;
    private static TestKafka kafka;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedKafkaServer.builder()
                .dataDirectory(Path.of("target", "kafka-outage-it", TestNames.unique("data"))
                        .toAbsolutePath())
                .startupTimeout(Duration.ofSeconds(180))
                .brokerProperty("auto.create.topics.enable", "false")
                .build();
        broker.start();
        kafka = new TestKafka(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        resumeBroker();
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void brokerAnswersAgain() {
        resumeBroker();
    }

    @Test
    void aConsumerCreatesItsTopicsDeadLetterTopicAndReplayLogAtStartWithTheConfiguredPartitions() throws Exception {
        String topic = TestNames.unique("created");
        String group = TestNames.unique("created_group");
        String deadLetterTopic = Topics.deadLetter(topic, group);
        try (Wiring wiring = new Wiring(new TopicProvisioner.Layout(3, 2, OptionalInt.of(1)))) {
            new DeadLetterSources(wiring.topics, List.of(new DeadLetterSources.Source(topic, group))).createTopics();
            assertThat(partitionCount(topic)).isEqualTo(3);
            assertThat(partitionCount(deadLetterTopic)).isEqualTo(2);
            assertThat(partitionCount(deadLetterTopic + "-replays")).isEqualTo(2);
            for (String eventTopic : Topics.ALL) {
                assertThat(partitionCount(eventTopic)).as(eventTopic).isPositive();
            }

            // The broker creates nothing itself, so a dead letter arrives only on the created topic.
            try (TestChannel consumer = wiring.consumer(topic, group, patientRetry(), (e, r) -> {
                throw new IllegalStateException("poisoned");
            })) {
                EventEnvelope<TenantRollbackRequested> event = send(topic);
                assertThat(kafka.awaitRecord(
                                deadLetterTopic, r -> event.id().equals(header(r, CloudEventCodec.CE_ID)), AWAIT))
                        .isNotNull();
            }
        }
    }

    @Test
    void aPublishThatKafkaDoesNotAcknowledgeInTimeIsRetriedAndNotDeadLettered() throws Exception {
        String topic = TestNames.unique("unacked");
        String group = TestNames.unique("unacked_group");
        String resultTopic = TestNames.unique("unacked_results");
        AtomicInteger attempts = new AtomicInteger();
        try (Wiring wiring = new Wiring(new TopicProvisioner.Layout(1, 1, OptionalInt.empty()))) {
            kafka.createTopic(resultTopic, 1);
            EventPublisher results = wiring.publisher;
            try (TestChannel consumer = wiring.consumer(topic, group, patientRetry(), (event, record) -> {
                if (attempts.incrementAndGet() == 1) {
                    pauseBroker(); // the work is done; its result cannot be published now
                }
                results.publish(
                        resultTopic,
                        EventEnvelope.create(
                                        SOURCE,
                                        new TenantRolledBack(
                                                record.key(), ((TenantRollbackRequested) event.data()).schema(), true))
                                .withCausation(event));
            })) {
                EventEnvelope<TenantRollbackRequested> event = send(topic);

                // Retried while Kafka stays away: not dead-lettered (the dead letter could not be
                // written either).
                await().atMost(AWAIT).until(() -> attempts.get() >= 3);
                resumeBroker();

                assertThat(kafka.awaitRecord(
                                resultTopic, r -> event.id().equals(header(r, CloudEventCodec.CE_CAUSATIONID)), AWAIT))
                        .isNotNull();
                assertThat(wiring.registry
                                .find("tenantry.dlq.records")
                                .tag("group", group)
                                .counters())
                        .as("dead letters counted")
                        .isEmpty();
                assertThat(recordCount(Topics.deadLetter(topic, group))).isZero();
            }
        }
    }

    @Test
    void aRecordWhoseDeadLetterCannotBeWrittenWaitsUncommittedForKafkaAndLivenessGoesDownThenUp() throws Exception {
        String topic = TestNames.unique("dlqfails");
        String group = TestNames.unique("dlqfails_group");
        AtomicInteger attempts = new AtomicInteger();
        try (Wiring wiring = new Wiring(new TopicProvisioner.Layout(1, 1, OptionalInt.empty()))) {
            ConsumerLivenessCheck liveness = new ConsumerLivenessCheck(
                    new DeadLetterSources(List.of(new DeadLetterSources.Source(topic, group))),
                    wiring.incoming,
                    Duration.ofSeconds(1));
            EventEnvelope<TenantRollbackRequested> event;
            try (TestChannel consumer = wiring.consumer(topic, group, patientRetry(), (e, record) -> {
                if (attempts.incrementAndGet() == 1) {
                    pauseBroker(); // the record is poisoned, and its dead letter cannot be written
                }
                throw new IllegalStateException("poisoned");
            })) {
                assertThat(liveness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
                event = send(topic);

                await().atMost(AWAIT).until(() -> liveness.call().getStatus() == HealthCheckResponse.Status.DOWN);
                resumeBroker();

                // The write is tried again until Kafka is back: the dead letter arrives, the record
                // was handled once, and it is committed.
                await().atMost(AWAIT).until(() -> liveness.call().getStatus() == HealthCheckResponse.Status.UP);
                assertThat(kafka.awaitRecord(
                                Topics.deadLetter(topic, group),
                                r -> event.id().equals(header(r, CloudEventCodec.CE_ID)),
                                AWAIT))
                        .isNotNull();
                assertThat(attempts).hasValue(1);
            }
            AtomicInteger readAgain = new AtomicInteger();
            EventEnvelope<TenantRollbackRequested> later = send(topic);
            AtomicBoolean laterHandled = new AtomicBoolean();
            try (TestChannel next = wiring.consumer(topic, group, patientRetry(), (e, record) -> {
                if (e.id().equals(later.id())) {
                    laterHandled.set(true);
                } else {
                    readAgain.incrementAndGet();
                }
            })) {
                await().atMost(AWAIT).untilTrue(laterHandled);
            }
            assertThat(readAgain).hasValue(0);
        }
    }

    /** A consumer wired as a service wires it, against the test's own broker. */
    private static final class Wiring implements AutoCloseable {
        final TestSink sink = new TestSink(broker.bootstrapServers(), PUBLISH_TIMEOUT);
        final EventPublisher publisher = new EventPublisher(sink, PUBLISH_TIMEOUT);
        final DeadLetterPublisher deadLetters = new DeadLetterPublisher(publisher);
        final TopicProvisioner topics;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final IncomingEvents incoming = new IncomingEvents(Duration.ofMinutes(10));
        final DeadLetterStrategy strategy = new DeadLetterStrategy(deadLetters, incoming, registry, List.of());

        Wiring(TopicProvisioner.Layout layout) {
            this.topics = new TopicProvisioner(broker.bootstrapServers(), layout);
        }

        /** A consumer of the topic, after its topics were created as a service creates them at start. */
        TestChannel consumer(String topic, String group, RetryPolicy retry, EventHandler handler) throws Exception {
            topics.ensureTopics(topic, group);
            return new TestChannel(broker.bootstrapServers(), topic, group, incoming, strategy, retry, handler);
        }

        @Override
        public void close() {
            sink.close();
            topics.close();
        }
    }

    private static RetryPolicy patientRetry() {
        return new RetryPolicy(1000, Duration.ofMillis(100), Duration.ofMillis(500));
    }

    private static EventEnvelope<TenantRollbackRequested> send(String topic) throws Exception {
        String slug = TestNames.unique("t");
        EventEnvelope<TenantRollbackRequested> event = EventEnvelope.create(
                SOURCE, new TenantRollbackRequested(UUID.randomUUID().toString(), slug, "tenant_" + slug, "test"));
        ProducerRecord<String, byte[]> record = CODEC.toRecord(topic, event);
        kafka.producer().send(record).get(60, TimeUnit.SECONDS);
        return event;
    }

    private static int partitionCount(String topic) {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
            return description.partitions().size();
        } catch (Exception e) {
            return 0; // not there (yet)
        }
    }

    private static long recordCount(String topic) {
        try (var consumer = kafka.newConsumer()) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static synchronized void pauseBroker() {
        signal("STOP");
    }

    private static synchronized void resumeBroker() {
        signal("CONT");
    }

    private static void signal(String signal) {
        long pid = broker == null ? -1 : broker.pid().orElse(-1L);
        if (pid < 0) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
