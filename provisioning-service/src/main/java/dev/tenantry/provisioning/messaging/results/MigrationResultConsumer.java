package dev.tenantry.provisioning.messaging.results;

import dev.tenantry.contracts.Topics;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.service.TenantSaga;
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

/** Feeds tenant-migration-results to the saga (idempotent on event id, stale results ignored there). */
@ApplicationScoped
public class MigrationResultConsumer {

    private final EventConsumer consumer;

    public MigrationResultConsumer(
            DeadLetterSources deadLetterSources,
            ProvisioningConfig config,
            TenantSaga saga,
            DeadLetterPublisher deadLetters,
            MeterRegistry registry,
            MessagingConfig messaging,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        ProvisioningConfig.Retry retry = config.retry();
        this.consumer = new EventConsumer(
                new EventConsumer.Settings(
                                bootstrapServers,
                                Topics.TENANT_MIGRATION_RESULTS,
                                config.consumerGroup(),
                                1,
                                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()),
                                Map.of())
                        .configuredBy(messaging.consumers()),
                (event, record) -> saga.onResult(event),
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
