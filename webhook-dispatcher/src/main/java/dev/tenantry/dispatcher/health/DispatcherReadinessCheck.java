package dev.tenantry.dispatcher.health;

import dev.tenantry.dispatcher.messaging.LifecycleEventConsumer;
import dev.tenantry.dispatcher.service.DeliveryEngine;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the lifecycle consumer runs and, where delivery is switched on, the delivery engine
 * runs. Both start only after Flyway migrated the shared schema. The database and Kafka have
 * readiness checks of their own (the datasource's and service-support's).
 */
@Readiness
@ApplicationScoped
public class DispatcherReadinessCheck implements HealthCheck {

    private final LifecycleEventConsumer consumer;
    private final DeliveryEngine engine;

    public DispatcherReadinessCheck(LifecycleEventConsumer consumer, DeliveryEngine engine) {
        this.consumer = consumer;
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        boolean consuming = consumer.isRunning();
        boolean delivering = !engine.isEnabled() || engine.isRunning();
        return HealthCheckResponse.named("webhook-dispatcher")
                .status(consuming && delivering)
                .withData("lifecycleConsumer", consuming)
                .withData("deliveryEngine", engine.isEnabled() ? (engine.isRunning() ? "running" : "stopped") : "off")
                .build();
    }
}
