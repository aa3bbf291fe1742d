package dev.tenantry.worker.messaging.results;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.support.messaging.EventPublisher;
import dev.tenantry.worker.config.WorkerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;

/** Publishes migration results, each tied to its request by causation and correlation ids. */
@ApplicationScoped
public class ResultPublisher {

    private final EventPublisher publisher;
    private final URI source;

    public ResultPublisher(EventPublisher publisher, WorkerConfig config) {
        this.publisher = publisher;
        this.source = URI.create(config.eventSource());
    }

    public void publish(EventEnvelope<?> request, TenantryEvent result) {
        publisher.publish(
                Topics.TENANT_MIGRATION_RESULTS,
                EventEnvelope.create(source, result).withCausation(request));
    }

    /** For work the worker starts itself (fleet upgrades, self-repair): correlated to that run. */
    public void publish(TenantryEvent result, String correlationId) {
        publisher.publish(
                Topics.TENANT_MIGRATION_RESULTS,
                EventEnvelope.create(source, result).withCorrelation(correlationId));
    }
}
