package dev.tenantry.support.deadletter;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.support.messaging.DeadLetterPublisher;
import dev.tenantry.support.messaging.DeadLetterStrategy;
import dev.tenantry.support.messaging.EventHandler;
import dev.tenantry.support.messaging.EventPublisher;
import dev.tenantry.support.messaging.IncomingEvents;
import dev.tenantry.support.messaging.RetryPolicy;
import dev.tenantry.support.messaging.TestChannel;
import dev.tenantry.support.messaging.TestSink;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.TestKafka;
import dev.tenantry.testinfra.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One topic and consumer group of their own on the real Kafka of the test infrastructure, with the
 * dead-letter machinery wired as a service wires it (publisher, sources, replay log, admin).
 */
public final class ConsumerTestbed implements AutoCloseable {

    static final URI SOURCE = URI.create("urn:tenantry:service-support-tests");
    private static final CloudEventCodec CODEC = new CloudEventCodec();
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    public final String bootstrapServers;
    public final String topic;
    public final String group;
    public final String deadLetterTopic;
    public final EventPublisher publisher;
    private final TestSink sink;
    public final DeadLetterPublisher deadLetters;
    public final DeadLetterSources sources;
    public final ReplayLog replayLog;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final TestKafka kafka;

    public ConsumerTestbed(Infrastructure infra, String name) {
        this.bootstrapServers = infra.kafkaBootstrapServers();
        this.topic = TestNames.unique(name);
        this.group = TestNames.unique(name + "_group");
        this.deadLetterTopic = Topics.deadLetter(topic, group);
        this.sources = new DeadLetterSources(List.of(new DeadLetterSources.Source(topic, group)));
        this.kafka = new TestKafka(bootstrapServers);
        kafka.createTopic(topic, 1);
        // One partition each, so that records are in the order they were written.
        kafka.createTopic(deadLetterTopic, 1);
        kafka.createTopic(ReplayLog.topicOf(deadLetterTopic), 1);
        this.sink = new TestSink(bootstrapServers, PUBLISH_TIMEOUT);
        this.publisher = new EventPublisher(sink, PUBLISH_TIMEOUT);
        this.deadLetters = new DeadLetterPublisher(publisher);
        this.replayLog = new ReplayLog(publisher, bootstrapServers);
    }

    /** A consumer of the testbed's topic and group (its dead-letter source), running. */
    public TestChannel consumer(RetryPolicy retry, EventHandler handler) {
        return consumer(group, retry, Duration.ofMinutes(10), handler);
    }

    /** A consumer of the testbed's topic in any group, running. */
    public TestChannel consumer(String inGroup, RetryPolicy retry, Duration outagePatience, EventHandler handler) {
        IncomingEvents incoming = new IncomingEvents(outagePatience);
        return new TestChannel(
                bootstrapServers,
                topic,
                inGroup,
                incoming,
                new DeadLetterStrategy(deadLetters, incoming, registry, List.of()),
                retry,
                handler);
    }

    /** Records on the topic now (end offsets summed). */
    public long recordCount(String onTopic) {
        try (var consumer = kafka.newConsumer()) {
            var partitions = consumer.partitionsFor(onTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(onTopic, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    DeadLetterAdmin admin(int maxReplays) {
        return admin(maxReplays, Duration.ofDays(7));
    }

    DeadLetterAdmin admin(int maxReplays, Duration replayWindow) {
        return new DeadLetterAdmin(sources, publisher, replayLog, bootstrapServers, maxReplays, 10_000, replayWindow);
    }

    /** Sends a valid event to the testbed's topic and returns it. */
    public EventEnvelope<TenantRollbackRequested> send() throws Exception {
        String slug = TestNames.unique("t");
        EventEnvelope<TenantRollbackRequested> event = EventEnvelope.create(
                SOURCE, new TenantRollbackRequested(UUID.randomUUID().toString(), slug, "tenant_" + slug, "test"));
        kafka.producer().send(CODEC.toRecord(topic, event)).get();
        return event;
    }

    /** The first record on {@code topic} matching the event id and, if given, the replay count header. */
    public ConsumerRecord<String, byte[]> await(String onTopic, String eventId, String replayCount) {
        return kafka.awaitRecord(
                onTopic,
                r -> eventId.equals(header(r, CloudEventCodec.CE_ID))
                        && (replayCount == null || replayCount.equals(header(r, "tenantry-replay-count"))),
                Duration.ofSeconds(30));
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        sink.close();
        kafka.close();
    }
}
