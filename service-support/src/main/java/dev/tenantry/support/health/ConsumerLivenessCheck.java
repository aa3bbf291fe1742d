package dev.tenantry.support.health;

import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.deadletter.DeadLetterSources;
import dev.tenantry.support.messaging.EventConsumer;
import dev.tenantry.support.messaging.IncomingEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while every consumer of this service gets on with its records, or has been stuck for less
 * than {@code tenantry.messaging.liveness.down-after}: a consumer loop failing (restarted with
 * backoff), or a connector channel whose record waits for PostgreSQL or Kafka. One stuck for that
 * long (or whose loop thread ended) needs the process restarted, which is what an orchestrator
 * does on a DOWN liveness check. A connector channel that failed for good turns the connector's
 * own liveness check DOWN.
 */
@Liveness
@ApplicationScoped
public class ConsumerLivenessCheck implements HealthCheck {

    private final DeadLetterSources consumers;
    private final IncomingEvents incoming;
    private final Duration downAfter;

    @Inject
    public ConsumerLivenessCheck(DeadLetterSources consumers, IncomingEvents incoming, MessagingConfig config) {
        this(consumers, incoming, config.liveness().downAfter());
    }

    public ConsumerLivenessCheck(DeadLetterSources consumers, IncomingEvents incoming, Duration downAfter) {
        this.consumers = consumers;
        this.incoming = incoming;
        this.downAfter = downAfter;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("consumer-loops").up();
        Instant now = Instant.now();
        for (DeadLetterSources.Source channel : consumers.channels()) {
            String name = channel.topic() + "/" + channel.consumerGroup();
            Optional<Instant> waiting = incoming.waitingSince(channel.topic(), channel.consumerGroup());
            response.withData(
                    name,
                    waiting.map(since -> "waiting for a dependency since " + since)
                            .orElse("running"));
            if (waiting.isPresent() && Duration.between(waiting.get(), now).compareTo(downAfter) >= 0) {
                response.down();
            }
        }
        for (EventConsumer consumer : consumers.consumers()) {
            String name = consumer.topic() + "/" + consumer.consumerGroup();
            Optional<Instant> failingSince = consumer.failingSince();
            if (failingSince.isEmpty()) {
                response.withData(name, "running");
                continue;
            }
            Duration failingFor = Duration.between(failingSince.get(), now);
            response.withData(
                    name, "failing since " + failingSince.get() + ", " + consumer.restartCount() + " restart(s)");
            if (failingFor.compareTo(downAfter) >= 0) {
                response.down();
            }
        }
        return response.build();
    }
}
