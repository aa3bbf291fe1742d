package dev.tenantry.dispatcher.messaging;

import dev.tenantry.contracts.Topics;
import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.service.DeliveryIntake;
import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.deadletter.DeadLetterSources;
import dev.tenantry.support.messaging.DeadLetterPublisher;
import dev.tenantry.support.messaging.EventConsumer;
import dev.tenantry.support.messaging.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Consumes tenant-lifecycle once the shared schema is migrated (service-support's
 * SharedSchemaMigration runs before start-up observers; a failed migration stops the dispatcher).
 * The offset of a record is committed only after its deliveries are committed.
 */
@ApplicationScoped
public class LifecycleEventConsumer {

    private final EventConsumer consumer;

    public LifecycleEventConsumer(
            DispatcherConfig config,
            DeliveryIntake intake,
            DeadLetterPublisher deadLetters,
            DeadLetterSources deadLetterSources,
            MeterRegistry registry,
            MessagingConfig messaging,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        DispatcherConfig.Retry retry = config.retry();
        this.consumer = new EventConsumer(
                new EventConsumer.Settings(
                                bootstrapServers,
                                Topics.TENANT_LIFECYCLE,
                                config.consumerGroup(),
                                config.consumerConcurrency(),
                                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()),
                                Map.of())
                        .configuredBy(messaging.consumers()),
                (event, record) -> intake.accept(event),
                deadLetters,
                registry);
        // Lets the shared dead-letter admin API (/admin/dead-letters) list and replay this consumer's DLQ.
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
