package dev.tenantry.support.messaging;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventDecodingException;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.persistence.TransientFailures;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What an {@code @Incoming} method of a Tenantry service does with each Kafka record, on top of
 * the SmallRye Kafka connector. The connector polls, keeps each partition in order
 * ({@code throttled.ordered=partition}, partitions in parallel), commits an offset only once every record
 * before it was acked ({@code commit-strategy=throttled}) and hands a nacked record to the
 * {@code tenantry-dead-letter} failure strategy ({@link DeadLetterStrategy}). What it does not do,
 * and this class does:
 * <ul>
 *   <li>decode the CloudEvents record, and nack one that does not decode with the reason;</li>
 *   <li>skip a replayed record meant for another consumer group;</li>
 *   <li>retry a transient failure (see {@link TransientFailures}) with bounded exponential backoff
 *       before nacking it, and wait longer, up to the outage patience, while the failure is a
 *       dependency away: the outage is not the record's fault, so it must not be dead-lettered;</li>
 *   <li>leave a record that fails transiently during shutdown neither acked nor nacked: the
 *       connector then does not commit it, and it is read again after the restart.</li>
 * </ul>
 * The connector's own retry ({@code @Retry}) would nack at the end without telling a dependency
 * outage from a bad record, and it cannot leave a record uncommitted at shutdown.
 */
@ApplicationScoped
public class IncomingEvents {

    private static final Logger LOG = Logger.getLogger(IncomingEvents.class);

    private final CloudEventCodec codec = new CloudEventCodec();
    private final Duration outagePatience;
    /** Per consumed topic and group: since when a record has been waiting for a dependency. */
    private final Map<String, Instant> waitingSince = new ConcurrentHashMap<>();

    private volatile boolean stopping;

    @Inject
    public IncomingEvents(MessagingConfig config) {
        this(config.consumers().outagePatience());
    }

    public IncomingEvents(Duration outagePatience) {
        this.outagePatience = outagePatience;
    }

    /**
     * Handles one record to an end state and acks it, or nacks it with a {@link Rejected} that
     * says why it goes to the dead-letter topic.
     *
     * @param group the consumer group of the channel (a replay names the group it is meant for)
     */
    public CompletionStage<Void> consume(
            Message<byte[]> message, String group, RetryPolicy retry, EventHandler handler) {
        ConsumerRecord<String, byte[]> record = recordOf(message);
        if (isReplayForAnotherGroup(record, group)) {
            return message.ack();
        }
        EventEnvelope<TenantryEvent> event;
        try {
            event = codec.decode(record.headers(), record.value());
        } catch (EventDecodingException e) {
            return message.nack(new Rejected(
                    "undecodable record (" + e.reason() + "): " + e.getMessage(), e, 1, firstFailure(record)));
        }
        Instant firstFailure = null;
        Instant waitingFrom = null;
        String source = sourceOf(record, group);
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(event, record);
                waitingSince.remove(source);
                return message.ack();
            } catch (Exception e) {
                firstFailure = firstFailure == null ? firstFailure(record) : firstFailure;
                if (!TransientFailures.isTransient(e)) {
                    return message.nack(new Rejected("permanent failure: " + e.getMessage(), e, attempt, firstFailure));
                }
                if (stopping) {
                    LOG.infof(
                            "Shutting down: %s left uncommitted after a transient failure, it is read again after "
                                    + "the restart: %s",
                            position(record), e.getMessage());
                    return CompletableFuture.completedFuture(null);
                }
                Duration backoff;
                if (retry.canRetryAfter(attempt)) {
                    backoff = retry.backoffAfter(attempt);
                    LOG.warnf(
                            "Transient failure handling %s (attempt %d), retrying in %d ms: %s",
                            event.id(), attempt, backoff.toMillis(), e.getMessage());
                } else if (TransientFailures.isDependencyAway(e) && patienceLeft(waitingFrom)) {
                    if (waitingFrom == null) {
                        waitingFrom = Instant.now();
                        waitingSince.putIfAbsent(source, waitingFrom);
                    }
                    backoff = retry.maxBackoff();
                    LOG.warnf(
                            "%s waits for a dependency (since %s, attempt %d), retrying in %d ms: %s",
                            position(record), waitingFrom, attempt, backoff.toMillis(), e.getMessage());
                } else {
                    waitingSince.remove(source);
                    return message.nack(new Rejected(
                            "transient failure, retries exhausted: " + e.getMessage(), e, attempt, firstFailure));
                }
                sleepUnlessStopping(backoff);
            }
        }
    }

    /** Since when a record of this topic and group has been waiting for PostgreSQL or Kafka to come back. */
    public Optional<Instant> waitingSince(String topic, String group) {
        return Optional.ofNullable(waitingSince.get(topic + "/" + group));
    }

    /** A record of this topic and group waits for PostgreSQL or Kafka (liveness watches how long). */
    void markWaiting(String topic, String group) {
        waitingSince.putIfAbsent(topic + "/" + group, Instant.now());
    }

    void clearWaiting(String topic, String group) {
        waitingSince.remove(topic + "/" + group);
    }

    /** True once the service is shutting down: records failing transiently are left uncommitted from now on. */
    public boolean isStopping() {
        return stopping;
    }

    // Before the connector stops its channels, so a record in its retries gives up at once.
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent stop) {
        stop();
    }

    /** From now on a record failing transiently is left uncommitted, and backoffs end at once. */
    public void stop() {
        stopping = true;
    }

    private boolean patienceLeft(Instant waitingFrom) {
        return waitingFrom == null
                || Duration.between(waitingFrom, Instant.now()).compareTo(outagePatience) < 0;
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecord<String, byte[]> recordOf(Message<byte[]> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> (ConsumerRecord<String, byte[]>) metadata.getRecord())
                .orElseThrow(() -> new IllegalArgumentException("not a message of a Kafka channel"));
    }

    private static String sourceOf(ConsumerRecord<String, byte[]> record, String group) {
        return record.topic() + "/" + group;
    }

    static String position(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static boolean isReplayForAnotherGroup(ConsumerRecord<String, byte[]> record, String group) {
        Header target = record.headers().lastHeader(DeadLetterHeaders.REPLAY_TARGET_GROUP);
        return target != null && !group.equals(new String(target.value(), StandardCharsets.UTF_8));
    }

    /** Now, or when a replayed record failed before: the first failure of its dead letter. */
    private static Instant firstFailure(ConsumerRecord<String, byte[]> record) {
        Header carried = record.headers().lastHeader(DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME);
        if (carried != null) {
            try {
                return Instant.parse(new String(carried.value(), StandardCharsets.UTF_8));
            } catch (DateTimeParseException e) {
                LOG.warnf(
                        "Ignoring malformed %s header on %s",
                        DeadLetterHeaders.REPLAY_FIRST_FAILURE_TIME, position(record));
            }
        }
        return Instant.now();
    }

    /** Backoff that ends early on shutdown, so stopping is not kept waiting by a long backoff. */
    private void sleepUnlessStopping(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (!stopping && System.nanoTime() < deadline) {
                Thread.sleep(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why a record goes to the dead-letter topic: the nack reason {@link DeadLetterStrategy} writes down. */
    public static final class Rejected extends RuntimeException {
        private final int attempts;
        private final Instant firstFailure;

        public Rejected(String reason, Throwable cause, int attempts, Instant firstFailure) {
            super(reason, cause);
            this.attempts = attempts;
            this.firstFailure = firstFailure;
        }

        public int attempts() {
            return attempts;
        }

        public Instant firstFailure() {
            return firstFailure;
        }
    }
}
