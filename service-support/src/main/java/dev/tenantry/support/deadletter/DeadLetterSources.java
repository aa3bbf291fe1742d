package dev.tenantry.support.deadletter;

import dev.tenantry.support.config.MessagingConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The consumers of this service: the SmallRye Kafka connector's incoming channels whose failure
 * strategy is {@value #CONNECTOR_STRATEGY}, read from {@code mp.messaging.incoming.*}. The
 * dead-letter admin knows its DLQ topics from them, liveness watches them, and their topics are
 * created before the connector subscribes (unless topic creation is switched off).
 */
@ApplicationScoped
public class DeadLetterSources {

    /** The failure strategy that makes an incoming channel a dead-letter source. */
    public static final String CONNECTOR_STRATEGY = "tenantry-dead-letter";

    private static final Logger LOG = Logger.getLogger(DeadLetterSources.class);
    private static final String INCOMING = "mp.messaging.incoming.";

    /** A consumed topic and the group consuming it; its dead letters live on {@code <topic>.<group>.dlq}. */
    public record Source(String topic, String consumerGroup) {}

    private final List<Source> channels;
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
                        : null,
                connectorChannels(ConfigProvider.getConfig()));
    }

    /** Given channels, without topic creation (the broker or an operator creates them). */
    public DeadLetterSources(List<Source> channels) {
        this(null, channels);
    }

    /** @param topics creates the channels' topics at start; null to create none */
    public DeadLetterSources(TopicProvisioner topics, List<Source> channels) {
        this.topics = topics;
        this.channels = channels;
    }

    public List<Source> all() {
        return channels;
    }

    /**
     * Creates the channels' topics before the connector subscribes to them (it starts its
     * channels at priority 1000). Kafka away at start is not fatal: the consumers wait for it, and
     * pick up a topic created later once they refresh their metadata.
     */
    void createChannelTopics(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) StartupEvent start) {
        createTopics();
    }

    /** Creates each channel's topic, dead-letter topic and replay log, unless topic creation is off. */
    public void createTopics() {
        if (topics == null) {
            return;
        }
        for (Source channel : channels) {
            try {
                topics.ensureTopics(channel.topic(), channel.consumerGroup());
            } catch (Exception e) {
                LOG.warnf(
                        "Could not create the topics of %s/%s at start: %s",
                        channel.topic(), channel.consumerGroup(), e);
            }
        }
    }

    /** The incoming channels of the SmallRye Kafka connector that dead-letter through {@value #CONNECTOR_STRATEGY}. */
    static List<Source> connectorChannels(Config config) {
        TreeSet<String> names = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            if (property.startsWith(INCOMING) && property.endsWith(".failure-strategy")) {
                names.add(property.substring(INCOMING.length(), property.length() - ".failure-strategy".length()));
            }
        }
        List<Source> sources = new ArrayList<>();
        for (String channel : names) {
            String prefix = INCOMING + channel + ".";
            if (!CONNECTOR_STRATEGY.equals(config.getOptionalValue(prefix + "failure-strategy", String.class)
                    .orElse(""))) {
                continue;
            }
            sources.add(new Source(
                    config.getOptionalValue(prefix + "topic", String.class).orElse(channel),
                    config.getValue(prefix + "group.id", String.class)));
        }
        return List.copyOf(sources);
    }

    @PreDestroy
    void close() {
        if (topics != null) {
            topics.close();
        }
    }
}
