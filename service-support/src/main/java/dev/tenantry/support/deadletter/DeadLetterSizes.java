package dev.tenantry.support.deadletter;

import dev.tenantry.contracts.Topics;
import dev.tenantry.support.messaging.LazyKafkaAdmin;
import dev.tenantry.support.scheduling.BackgroundTasks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Gauge {@code tenantry.dlq.size}: how many records each dead-letter topic of this service holds
 * now (end offset minus start offset, summed over partitions). Unlike the dead-lettered counter it
 * survives restarts and shows what retention removed. A replay does not lower it: dead letters stay
 * until Kafka's retention drops them. Measured in the background every
 * {@code tenantry.dead-letters.size-interval}, not on scrape, so a slow broker never slows /q/metrics
 * and many instances scraped often do not query Kafka each time.
 */
@ApplicationScoped
public class DeadLetterSizes {

    private static final Logger LOG = Logger.getLogger(DeadLetterSizes.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DeadLetterSources sources;
    private final MeterRegistry registry;
    private final Duration interval;
    private final Map<String, AtomicLong> sizes = new ConcurrentHashMap<>();
    private final LazyKafkaAdmin admin;
    private ScheduledExecutorService scheduler;

    public DeadLetterSizes(
            DeadLetterSources sources,
            MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "tenantry.dead-letters.size-interval", defaultValue = "30s") Duration interval) {
        this.sources = sources;
        this.registry = registry;
        this.admin = new LazyKafkaAdmin(bootstrapServers, TIMEOUT);
        this.interval = interval;
    }

    void onStart(@Observes StartupEvent start) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        scheduler = BackgroundTasks.scheduler("dead-letter-sizes");
        // A short first delay: consumers register their topics while the application starts.
        scheduler.scheduleWithFixedDelay(
                this::measureQuietly, Math.min(1000, interval.toMillis()), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    @PreDestroy
    void close() {
        admin.close();
    }

    private void measureQuietly() {
        try {
            measure();
        } catch (Exception e) {
            // Kafka away: the gauges keep their last value until the next interval.
            LOG.debugf("Could not measure dead-letter topics: %s", e.getMessage());
        }
    }

    /** Reads the size of every dead-letter topic of this service's consumers and updates the gauges. */
    public void measure() throws InterruptedException, ExecutionException, TimeoutException {
        for (DeadLetterSources.Source source : sources.all()) {
            String topic = Topics.deadLetter(source.topic(), source.consumerGroup());
            long size = sizeOf(topic);
            sizes.computeIfAbsent(topic, t -> register(t, source.consumerGroup()))
                    .set(size);
        }
    }

    private AtomicLong register(String topic, String consumerGroup) {
        AtomicLong size = new AtomicLong();
        Gauge.builder("tenantry.dlq.size", size, AtomicLong::get)
                .description("Records in a dead-letter topic now (end minus start offset), measured periodically")
                .tag("topic", topic)
                .tag("group", consumerGroup)
                .register(registry);
        return size;
    }

    private long sizeOf(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description;
        try {
            description = admin.get()
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0; // nothing was ever dead-lettered: the topic is created with its first record
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description.partitions().forEach(p -> {
            TopicPartition partition = new TopicPartition(topic, p.partition());
            earliest.put(partition, OffsetSpec.earliest());
            latest.put(partition, OffsetSpec.latest());
        });
        Map<TopicPartition, ListOffsetsResultInfo> start = offsets(earliest);
        Map<TopicPartition, ListOffsetsResultInfo> end = offsets(latest);
        long size = 0;
        for (TopicPartition partition : end.keySet()) {
            size += end.get(partition).offset() - start.get(partition).offset();
        }
        return size;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Map<TopicPartition, OffsetSpec> spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.get().listOffsets(spec).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
