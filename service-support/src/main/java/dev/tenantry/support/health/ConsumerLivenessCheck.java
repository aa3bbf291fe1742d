package dev.tenantry.support.health;

import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.deadletter.DeadLetterSources;
import dev.tenantry.support.messaging.EventConsumer;
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
 * Live while every consumer loop of this service runs, or has been failing for less than
 * {@code tenantry.messaging.liveness.down-after}. A loop that fails is restarted with backoff by
 * its consumer; one that cannot get past its failure for that long (or whose thread ended) needs
 * the process restarted, which is what an orchestrator does on a DOWN liveness check.
 */
@Liveness
@ApplicationScoped
public class ConsumerLivenessCheck implements HealthCheck {

    private final DeadLetterSources consumers;
    private final Duration downAfter;

    @Inject
    public ConsumerLivenessCheck(DeadLetterSources consumers, MessagingConfig config) {
        this(consumers, config.liveness().downAfter());
    }

    public ConsumerLivenessCheck(DeadLetterSources consumers, Duration downAfter) {
        this.consumers = consumers;
        this.downAfter = downAfter;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("consumer-loops").up();
        Instant now = Instant.now();
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
