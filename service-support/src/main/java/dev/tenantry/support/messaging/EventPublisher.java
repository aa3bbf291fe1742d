package dev.tenantry.support.messaging;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.support.config.MessagingConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one way a Tenantry service writes events to Kafka directly (the provisioning service's
 * outbox relay aside): CloudEvents binary mode through {@link CloudEventCodec}, key = subject,
 * idempotent producer with {@code acks=all} so an acknowledged event is never lost.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrapServers;
    private final Duration timeout;
    private final CloudEventCodec codec = new CloudEventCodec();
    private volatile KafkaProducer<String, byte[]> producer;

    @Inject
    public EventPublisher(
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, MessagingConfig config) {
        this(bootstrapServers, config.publishTimeout());
    }

    public EventPublisher(String bootstrapServers) {
        this(bootstrapServers, DEFAULT_TIMEOUT);
    }

    /** @param timeout how long a publish waits for Kafka's acknowledgement before it fails (transiently) */
    public EventPublisher(String bootstrapServers, Duration timeout) {
        if (timeout.toMillis() < 100) {
            throw new IllegalArgumentException("the publish timeout must be at least 100 ms");
        }
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** Sends the event and returns when the broker has acknowledged it. */
    public RecordMetadata publish(String topic, EventEnvelope<?> event) {
        return await(publishAsync(topic, event));
    }

    public CompletableFuture<RecordMetadata> publishAsync(String topic, EventEnvelope<?> event) {
        return sendAsync(codec.toRecord(topic, event));
    }

    /** Sends an already encoded record (dead letters, replays) unchanged. */
    public RecordMetadata send(ProducerRecord<String, byte[]> record) {
        return await(sendAsync(record));
    }

    /**
     * Sends already encoded records in order, all in flight at once, and returns when Kafka has
     * acknowledged every one. The idempotent producer keeps their order per partition even when it
     * retries; one round trip for the batch instead of one per record is what lets a relay keep up
     * with bursts.
     *
     * @throws PublishFailedException if any record was refused or not acknowledged in time
     */
    public void sendAll(List<ProducerRecord<String, byte[]>> records) {
        List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            pending.add(sendAsync(record));
        }
        for (CompletableFuture<RecordMetadata> ack : pending) {
            await(ack);
        }
    }

    private CompletableFuture<RecordMetadata> sendAsync(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        producer().send(record, (metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(metadata);
            }
        });
        return result;
    }

    private RecordMetadata await(CompletableFuture<RecordMetadata> future) {
        try {
            // A little longer than the producer's own delivery timeout, so that an expired batch
            // normally reports Kafka's own reason; either way the failure is transient.
            return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while publishing", e);
        } catch (ExecutionException e) {
            throw new PublishFailedException(
                    "Kafka refused the record: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailedException("no acknowledgement from Kafka within " + timeout, e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = createProducer();
                }
                current = producer;
            }
        }
        return current;
    }

    private KafkaProducer<String, byte[]> createProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // The whole publish is bounded by the timeout: a send never blocks longer than that for
        // metadata of an unreachable broker, a batch expires after it (linger + request timeout
        // must fit within the delivery timeout).
        long requestTimeout = Math.min(MAX_REQUEST_TIMEOUT.toMillis(), timeout.toMillis() - 10);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, byte[]> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Kafka did not acknowledge an event; the caller must not consider it published. Whether it is
     * worth retrying depends on the cause ({@link dev.tenantry.support.persistence.TransientFailures}):
     * a timeout or an unreachable broker is, a record Kafka refuses for good is not.
     */
    public static class PublishFailedException extends RuntimeException {
        public PublishFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
