package dev.tenantry.benchmarks;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Sees each tenant's TenantActivated on the lifecycle topic, as a client waiting for its new
 * tenant would: "ACTIVE" in the benchmarks is the moment this event reaches a consumer. Records
 * are keyed by tenant id.
 */
final class ActivationWatch implements AutoCloseable {

    private final Map<String, CompletableFuture<Long>> activations = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ActivationWatch(String bootstrap, CompletableFuture<Void> assigned) {
        thread = new Thread(() -> consume(bootstrap, assigned), "bench-activation-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching from the topic's current end; returns once the consumer is positioned. */
    static ActivationWatch start(String bootstrap) throws Exception {
        CompletableFuture<Void> assigned = new CompletableFuture<>();
        ActivationWatch watch = new ActivationWatch(bootstrap, assigned);
        assigned.get(1, TimeUnit.MINUTES);
        return watch;
    }

    /** The {@link System#nanoTime()} at which the tenant's activation was seen, waiting for it. */
    long awaitActivated(String tenantId, Duration patience) throws Exception {
        try {
            return activations
                    .computeIfAbsent(tenantId, k -> new CompletableFuture<>())
                    .get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("tenant " + tenantId + " not ACTIVE within " + patience, e);
        } finally {
            activations.remove(tenantId);
        }
    }

    private void consume(String bootstrap, CompletableFuture<Void> assigned) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A fetch is answered as soon as a record arrives; a shorter wait would only add empty fetches.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty()) {
                var infos = consumer.listTopics(Duration.ofSeconds(10)).get(Topics.TENANT_LIFECYCLE);
                if (infos == null) {
                    Thread.sleep(500); // created by the provisioning service when it starts
                    continue;
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            assigned.complete(null);
            String activated = EventType.TENANT_ACTIVATED.type();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    Header type = record.headers().lastHeader(CloudEventCodec.CE_TYPE);
                    if (record.key() != null
                            && type != null
                            && activated.equals(new String(type.value(), StandardCharsets.UTF_8))) {
                        activations
                                .computeIfAbsent(record.key(), k -> new CompletableFuture<>())
                                .complete(now);
                    }
                }
            }
        } catch (Exception e) {
            assigned.completeExceptionally(e);
            activations.values().forEach(f -> f.completeExceptionally(e));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
