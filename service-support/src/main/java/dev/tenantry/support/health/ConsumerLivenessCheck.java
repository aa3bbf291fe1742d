package dev.tenantry.support.health;

import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.deadletter.DeadLetterSources;
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
 * Live while every channel of this service gets on with its records, or has had a record waiting
 * for PostgreSQL or Kafka for less than {@code tenantry.messaging.liveness.down-after}. One stuck
 * for that long needs the process restarted, which is what an orchestrator does on a DOWN
 * liveness check. A channel that failed for good turns the connector's own liveness check DOWN.
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
        for (DeadLetterSources.Source channel : consumers.all()) {
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
        return response.build();
    }
}
