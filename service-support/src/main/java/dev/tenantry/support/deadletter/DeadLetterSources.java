package dev.tenantry.support.deadletter;

import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.messaging.EventConsumer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The consumers of this service. The dead-letter admin knows its DLQ topics from them, liveness
 * watches their loops, and each registered consumer creates the topics it needs before it
 * subscribes (unless topic creation is switched off).
 */
@ApplicationScoped
public class DeadLetterSources {

    /** A consumed topic and the group consuming it; its dead letters live on {@code <topic>.<group>.dlq}. */
    public record Source(String topic, String consumerGroup) {}

    private final List<EventConsumer> consumers = new CopyOnWriteArrayList<>();
    private final TopicProvisioner topics;

    @Inject
    public DeadLetterSources(
            MessagingConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this(
                config.topics().create()
                        ? new TopicProvisioner(
                                bootstrapServers,
                                new TopicProvisioner.Layout(
                                        config.topics().partitions(),
                                        config.topics().deadLetterPartitions(),
                                        config.topics().replicationFactor()))
                        : null);
    }

    /** @param topics creates each consumer's topics before it subscribes; null to create none */
    public DeadLetterSources(TopicProvisioner topics) {
        this.topics = topics;
    }

    /** Without topic creation (the broker or an operator creates them). */
    public DeadLetterSources() {
        this((TopicProvisioner) null);
    }

    /** Registers a consumer before it starts. */
    public void register(EventConsumer consumer) {
        if (topics != null) {
            consumer.ensureTopicsWith(topics);
        }
        consumers.add(consumer);
    }

    public List<Source> all() {
        return consumers.stream()
                .map(c -> new Source(c.topic(), c.consumerGroup()))
                .toList();
    }

    public List<EventConsumer> consumers() {
        return List.copyOf(consumers);
    }

    @PreDestroy
    void close() {
        if (topics != null) {
            topics.close();
        }
    }
}
