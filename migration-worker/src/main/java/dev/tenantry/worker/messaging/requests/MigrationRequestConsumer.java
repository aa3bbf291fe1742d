package dev.tenantry.worker.messaging.requests;

import dev.tenantry.support.messaging.IncomingEvents;
import dev.tenantry.support.messaging.RetryPolicy;
import dev.tenantry.worker.config.WorkerConfig;
import dev.tenantry.worker.service.TenantMigrationService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes tenant-migration-requests through the {@code migration-requests} channel (configured
 * in application.properties). The connector starts it after the shared schema is migrated
 * (service-support's SharedSchemaMigration runs first at start-up). The requests of one tenant (one
 * partition) are migrated one after the other, up to {@code tenantry.worker.concurrency} partitions
 * at once.
 */
@ApplicationScoped
public class MigrationRequestConsumer {

    private final TenantMigrationService service;
    private final IncomingEvents incoming;
    private final String group;
    private final RetryPolicy retry;

    public MigrationRequestConsumer(TenantMigrationService service, IncomingEvents incoming, WorkerConfig config) {
        this.service = service;
        this.incoming = incoming;
        this.group = config.consumerGroup();
        this.retry = config.retry().policy();
    }

    @Incoming("migration-requests")
    @Blocking(ordered = false) // one partition at a time: throttled.ordered=partition
    public CompletionStage<Void> consume(Message<byte[]> request) {
        return incoming.consume(request, group, retry, (event, record) -> service.handle(event));
    }
}
