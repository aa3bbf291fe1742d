package dev.tenantry.worker.health;

import dev.tenantry.worker.messaging.requests.MigrationRequestConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the request consumer runs. It starts only after Flyway migrated the shared schema
 * at start-up (a failed migration stops the worker), so this also says the schema is in place.
 */
@Readiness
@ApplicationScoped
public class MigrationRequestsCheck implements HealthCheck {

    private final MigrationRequestConsumer consumer;

    public MigrationRequestsCheck(MigrationRequestConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("migration-requests-consumer")
                .status(consumer.isRunning())
                .build();
    }
}
