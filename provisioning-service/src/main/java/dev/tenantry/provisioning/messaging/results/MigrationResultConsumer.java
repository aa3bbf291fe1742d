package dev.tenantry.provisioning.messaging.results;

import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.service.TenantSaga;
import dev.tenantry.support.messaging.IncomingEvents;
import dev.tenantry.support.messaging.RetryPolicy;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Feeds tenant-migration-results to the saga (idempotent on event id, stale results ignored
 * there), through the {@code migration-results} channel, one record at a time.
 */
@ApplicationScoped
public class MigrationResultConsumer {

    private final TenantSaga saga;
    private final IncomingEvents incoming;
    private final String group;
    private final RetryPolicy retry;

    public MigrationResultConsumer(TenantSaga saga, IncomingEvents incoming, ProvisioningConfig config) {
        this.saga = saga;
        this.incoming = incoming;
        this.group = config.consumerGroup();
        this.retry = config.retry().policy();
    }

    @Incoming("migration-results")
    @Blocking(ordered = false) // one partition at a time: throttled.ordered=partition
    public CompletionStage<Void> consume(Message<byte[]> result) {
        return incoming.consume(result, group, retry, (event, record) -> saga.onResult(event));
    }
}
