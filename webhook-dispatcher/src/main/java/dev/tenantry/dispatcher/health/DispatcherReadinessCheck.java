package dev.tenantry.dispatcher.health;

import dev.tenantry.dispatcher.service.DeliveryEngine;
import dev.tenantry.dispatcher.service.QueueFigures;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when, where delivery is switched on, the delivery engine runs. It starts only after Flyway
 * migrated the shared schema. The lifecycle channel, the database and Kafka have readiness checks
 * of their own (the connector's, the datasource's and service-support's).
 *
 * <p>The queue (due deliveries, age of the oldest) is reported as data but never makes the
 * instance unready: a backlog is worked off by ready instances, and taking them out of service
 * because of it would only make it grow.
 */
@Readiness
@ApplicationScoped
public class DispatcherReadinessCheck implements HealthCheck {

    private final DeliveryEngine engine;
    private final QueueFigures queue;

    public DispatcherReadinessCheck(DeliveryEngine engine, QueueFigures queue) {
        this.engine = engine;
        this.queue = queue;
    }

    @Override
    public HealthCheckResponse call() {
        boolean delivering = !engine.isEnabled() || engine.isRunning();
        QueueFigures.Snapshot figures = queue.current();
        return HealthCheckResponse.named("webhook-dispatcher")
                .status(delivering)
                .withData("deliveryEngine", engine.isEnabled() ? (engine.isRunning() ? "running" : "stopped") : "off")
                .withData("dueDeliveries", figures.due())
                .withData("oldestDueAgeSeconds", (long) figures.oldestDueAgeSeconds())
                .withData("queueReadAt", figures.readAt().toString())
                .build();
    }
}
