package dev.tenantry.support.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * The connector's failure strategy of every Tenantry channel ({@code failure-strategy=tenantry-dead-letter}):
 * a nacked record goes to {@code <topic>.<group>.dlq} through {@link DeadLetterPublisher}, with the
 * reason, attempts and first failure of its {@link IncomingEvents.Rejected} in the headers, and is
 * acked (committed) only once its dead letter is written.
 *
 * <p>The connector's own {@code dead-letter-queue} strategy is not used for two reasons: it
 * writes other headers than the dead-letter contract replay and the admin API rely on, and when
 * the dead letter cannot be written (Kafka away) it fails the whole channel, which then consumes
 * nothing until the process restarts. Here the write is retried with backoff instead, the
 * partition waiting behind it as behind any record being handled, until Kafka is back; at
 * shutdown the record is left uncommitted and read again after the restart.
 */
@ApplicationScoped
@Identifier("tenantry-dead-letter")
public class DeadLetterStrategy implements KafkaFailureHandler.Factory {

    private static final Logger LOG = Logger.getLogger(DeadLetterStrategy.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final DeadLetterPublisher deadLetters;
    private final IncomingEvents incoming;
    private final MeterRegistry registry;
    private final Iterable<DeadLetterFollowUp> followUps;

    @Inject
    public DeadLetterStrategy(
            DeadLetterPublisher deadLetters,
            IncomingEvents incoming,
            MeterRegistry registry,
            @Any Instance<DeadLetterFollowUp> followUps) {
        this(deadLetters, incoming, registry, (Iterable<DeadLetterFollowUp>) followUps);
    }

    public DeadLetterStrategy(
            DeadLetterPublisher deadLetters,
            IncomingEvents incoming,
            MeterRegistry registry,
            Iterable<DeadLetterFollowUp> followUps) {
        this.deadLetters = deadLetters;
        this.incoming = incoming;
        this.registry = registry;
        this.followUps = followUps;
    }

    @Override
    public KafkaFailureHandler create(
            KafkaConnectorIncomingConfiguration config,
            Vertx vertx,
            KafkaConsumer<?, ?> consumer,
            BiConsumer<Throwable, Boolean> reportFailure) {
        String group = String.valueOf(consumer.configuration().get("group.id"));
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(
                    IncomingKafkaRecord<K, V> record,
                    Throwable reason,
                    org.eclipse.microprofile.reactive.messaging.Metadata metadata) {
                // Blocking (the publisher waits for Kafka's acknowledgement): off the event loop.
                return Uni.createFrom()
                        .item(() -> deadLetter(recordOf(record), group, reason))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        // Back on the record's own context, as the connector's strategies do: the
                        // throttled commit and the ordered hand-out of the next record of the
                        // partition are not safe from a worker thread (records were lost without it).
                        .emitOn(record::runOnMessageContext)
                        .chain(written -> written
                                ? Uni.createFrom().completionStage(ackOnce(record))
                                : Uni.createFrom().voidItem()); // left uncommitted: read again after the restart
            }
        };
    }

    /**
     * Commits the record's offset without releasing the partition's next record. Under
     * {@code throttled.ordered} the record a failure strategy gets is the connector's ordered
     * wrapper, which releases the next record of its partition after its ack and again after its
     * nack completes. Acking the wrapper here, inside the nack, released twice: the partition's
     * count of queued records reached zero while records were still queued, the connector dropped
     * its queue, and the partition stopped being consumed (a burst of unreadable commands did that).
     * A plain copy commits the same offset through the same commit handler, and the nack's
     * completion releases the next record once.
     */
    private static CompletionStage<Void> ackOnce(IncomingKafkaRecord<?, ?> record) {
        return new IncomingKafkaRecord<>(record).ack();
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecord<String, byte[]> recordOf(IncomingKafkaRecord<?, ?> record) {
        return (ConsumerRecord<String, byte[]>) record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow()
                .getRecord();
    }

    /**
     * Writes the dead letter of a record given up by {@code group}, waiting for Kafka as long as it
     * takes, then runs the service's {@link DeadLetterFollowUp}s.
     *
     * @return false if the service began stopping before the dead letter could be written: the
     *     record must then stay uncommitted
     */
    public boolean deadLetter(ConsumerRecord<String, byte[]> raw, String group, Throwable reason) {
        IncomingEvents.Rejected rejected = reason instanceof IncomingEvents.Rejected r
                ? r
                : new IncomingEvents.Rejected("permanent failure: " + reason.getMessage(), reason, 1, Instant.now());
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                deadLetters.deadLetter(
                        raw,
                        group,
                        rejected.getMessage(),
                        rejected.getCause(),
                        rejected.attempts(),
                        rejected.firstFailure());
                incoming.clearWaiting(raw.topic(), group);
                break;
            } catch (RuntimeException e) {
                if (incoming.isStopping() || Thread.currentThread().isInterrupted()) {
                    LOG.infof(
                            "Shutting down: %s left uncommitted, its dead letter could not be written: %s",
                            IncomingEvents.position(raw), e.getMessage());
                    return false;
                }
                incoming.markWaiting(raw.topic(), group);
                LOG.warnf(
                        "Could not write the dead letter of %s, retrying in %d ms: %s",
                        IncomingEvents.position(raw), backoff.toMillis(), e.getMessage());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        Counter.builder("tenantry.dlq.records")
                .description("Records sent to a dead-letter topic")
                .tag("topic", raw.topic())
                .tag("group", group)
                .register(registry)
                .increment();
        for (DeadLetterFollowUp followUp : followUps) {
            try {
                followUp.deadLettered(raw, rejected.getMessage(), rejected.getCause());
            } catch (RuntimeException e) {
                LOG.errorf(e, "Follow-up of the dead letter of %s failed", IncomingEvents.position(raw));
            }
        }
        return true;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
