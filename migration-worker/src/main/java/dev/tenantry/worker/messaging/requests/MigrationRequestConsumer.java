package dev.tenantry.worker.messaging.requests;

import dev.tenantry.contracts.Topics;
import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.deadletter.DeadLetterSources;
import dev.tenantry.support.messaging.DeadLetterPublisher;
import dev.tenantry.support.messaging.EventConsumer;
import dev.tenantry.support.messaging.RetryPolicy;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.service.TenantMigrationService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Consumes tenant-migration-requests once the shared schema is migrated (Flyway runs first). */
@ApplicationScoped
public class MigrationRequestConsumer {

    private final EventConsumer consumer;

    public MigrationRequestConsumer(
            WorkerConfig config,
            TenantMigrationService service,
            DeadLetterPublisher deadLetters,
            DeadLetterSources deadLetterSources,
            MeterRegistry registry,
            MessagingConfig messaging,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        WorkerConfig.Retry retry = config.retry();
        this.consumer = new EventConsumer(
                new EventConsumer.Settings(
                                bootstrapServers,
                                Topics.TENANT_MIGRATION_REQUESTS,
                                config.consumerGroup(),
                                config.concurrency(),
                                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()),
                                Map.of())
                        .configuredBy(messaging.consumers()),
                (event, record) -> service.handle(event),
                deadLetters,
                registry);
        deadLetterSources.register(consumer);
    }

    void onStart(@Observes StartupEvent start) {
        consumer.start();
    }

    void onStop(@Observes ShutdownEvent stop) {
        consumer.close();
    }

    public boolean isRunning() {
        return consumer.isRunning();
    }
}
