package dev.tenantry.support.deadletter;

import dev.tenantry.contracts.Topics;
import dev.tenantry.support.messaging.LazyKafkaAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the topics a consumer needs before it subscribes, rather than relying on the broker to
 * create them on first use (brokers in production usually have {@code auto.create.topics.enable}
 * off, and an auto-created topic gets the broker's defaults): the four event topics, the topic it
 * reads, its dead-letter topic and that topic's replay log. Topics that exist are left as they are.
 */
public final class TopicProvisioner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /**
     * @param partitions           partitions of event topics
     * @param deadLetterPartitions partitions of dead-letter topics and their replay logs
     * @param replicationFactor    empty for the broker's default
     */
    public record Layout(int partitions, int deadLetterPartitions, OptionalInt replicationFactor) {
        public Layout {
            if (partitions < 1 || deadLetterPartitions < 1) {
                throw new IllegalArgumentException("a topic needs at least one partition");
            }
            if (replicationFactor.isPresent()
                    && (replicationFactor.getAsInt() < 1 || replicationFactor.getAsInt() > Short.MAX_VALUE)) {
                throw new IllegalArgumentException("replication factor must be at least 1");
            }
        }
    }

    private final LazyKafkaAdmin admin;
    private final Layout layout;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public TopicProvisioner(String bootstrapServers, Layout layout) {
        this.admin = new LazyKafkaAdmin(bootstrapServers, TIMEOUT);
        this.layout = layout;
    }

    public void ensureTopics(String topic, String consumerGroup) throws Exception {
        String deadLetterTopic = Topics.deadLetter(topic, consumerGroup);
        List<NewTopic> wanted = new ArrayList<>();
        for (String eventTopic : Topics.ALL) {
            wanted.add(newTopic(eventTopic, layout.partitions()));
        }
        if (!Topics.ALL.contains(topic)) {
            wanted.add(newTopic(topic, layout.partitions()));
        }
        wanted.add(newTopic(deadLetterTopic, layout.deadLetterPartitions()));
        wanted.add(newTopic(ReplayLog.topicOf(deadLetterTopic), layout.deadLetterPartitions()));
        create(wanted);
    }

    private void create(List<NewTopic> wanted) throws InterruptedException, ExecutionException {
        List<NewTopic> missing =
                wanted.stream().filter(t -> !known.contains(t.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<Void>> results =
                admin.get().createTopics(missing).values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                result.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("Created topic %s", result.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ExecutionException("Kafka did not create topic " + result.getKey() + " within " + TIMEOUT, e);
            }
            known.add(result.getKey());
        }
    }

    private NewTopic newTopic(String name, int partitions) {
        Optional<Short> replication = layout.replicationFactor().isPresent()
                ? Optional.of((short) layout.replicationFactor().getAsInt())
                : Optional.empty();
        return new NewTopic(name, Optional.of(partitions), replication);
    }

    @Override
    public void close() {
        admin.close();
    }
}
