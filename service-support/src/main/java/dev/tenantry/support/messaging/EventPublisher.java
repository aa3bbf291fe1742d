package dev.tenantry.support.messaging;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.support.config.MessagingConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * The one way a Tenantry service writes to Kafka: events in CloudEvents binary mode through
 * {@link CloudEventCodec} (key = subject), dead letters and replays as encoded records. Every record
 * goes through the connector's outgoing channel {@value #CHANNEL} (one idempotent producer with
 * {@code acks=all}, configured in service-support's microprofile-config.properties), each naming
 * its own topic in its Kafka metadata. A publish returns once Kafka acknowledged the record: the
 * callers (a consumer acking its record, the relay acknowledging Debezium) must not go on before.
 *
 * <p>The Debezium relay's engine, and the dead-letter admin reading chosen offsets, keep their
 * own Kafka clients: the connector has nothing for either.
 */
@ApplicationScoped
public class EventPublisher {

    /** The outgoing channel every record is written through. */
    public static final String CHANNEL = "tenantry-out";

    private final RecordSink sink;
    private final Duration timeout;
    private final CloudEventCodec codec = new CloudEventCodec();

    /**
     * Unbounded buffer: every caller waits for its own records, so the buffer never holds more than
     * the records in flight (a relay batch at most); the emitter's default of 128 would refuse a
     * large batch instead of sending it.
     */
    @Inject
    public EventPublisher(
            @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<byte[]> emitter,
            MessagingConfig config) {
        this(record -> emitter.sendMessage(toMessage(record)).subscribeAsCompletionStage(), config.publishTimeout());
    }

    /**
     * @param sink where records go (a test without a Quarkus application passes a producer of its own)
     * @param timeout how long a publish waits for Kafka's acknowledgement before it fails (transiently)
     */
    public EventPublisher(RecordSink sink, Duration timeout) {
        if (timeout.toMillis() < 100) {
            throw new IllegalArgumentException("the publish timeout must be at least 100 ms");
        }
        this.sink = sink;
        this.timeout = timeout;
    }

    /** Sends the event and returns when the broker has acknowledged it. */
    public void publish(String topic, EventEnvelope<?> event) {
        send(codec.toRecord(topic, event));
    }

    /** Sends an already encoded record (dead letters, replays) unchanged. */
    public void send(ProducerRecord<String, byte[]> record) {
        await(sink.send(record));
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
        List<CompletionStage<Void>> pending = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            pending.add(sink.send(record));
        }
        for (CompletionStage<Void> ack : pending) {
            await(ack);
        }
    }

    static Message<byte[]> toMessage(ProducerRecord<String, byte[]> record) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> kafka =
                OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(record.topic())
                        .withKey(record.key())
                        .withHeaders(record.headers());
        if (record.partition() != null) {
            kafka.withPartition(record.partition());
        }
        return Message.of(record.value()).addMetadata(kafka.build());
    }

    private void await(CompletionStage<Void> acknowledged) {
        try {
            // A little longer than the producer's own delivery timeout (PublishTimeouts), so that an
            // expired batch normally reports Kafka's own reason; either way the failure is transient.
            acknowledged.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
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

    /** Where {@link EventPublisher} hands each record: completes when Kafka acknowledged it. */
    @FunctionalInterface
    public interface RecordSink {
        CompletionStage<Void> send(ProducerRecord<String, byte[]> record);
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
