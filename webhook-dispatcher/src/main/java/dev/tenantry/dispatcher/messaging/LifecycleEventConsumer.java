package dev.tenantry.dispatcher.messaging;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.service.DeliveryIntake;
import dev.tenantry.support.messaging.IncomingEvents;
import dev.tenantry.support.messaging.RetryPolicy;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes tenant-lifecycle through the {@code lifecycle-events} channel: the records of one
 * partition one after the other, up to {@code tenantry.dispatcher.consumer-concurrency} partitions
 * at once. The
 * connector starts it after the shared schema is migrated (service-support's
 * SharedSchemaMigration runs first at start-up), and commits a record's offset only after its
 * deliveries are committed.
 */
@ApplicationScoped
public class LifecycleEventConsumer {

    private final DeliveryIntake intake;
    private final IncomingEvents incoming;
    private final String group;
    private final RetryPolicy retry;

    public LifecycleEventConsumer(DeliveryIntake intake, IncomingEvents incoming, DispatcherConfig config) {
        this.intake = intake;
        this.incoming = incoming;
        this.group = config.consumerGroup();
        this.retry = config.retry().policy();
    }

    @Incoming("lifecycle-events")
    @Blocking(ordered = false) // one partition at a time: throttled.ordered=partition
    public CompletionStage<Void> consume(Message<byte[]> event) {
        return incoming.consume(event, group, retry, (envelope, record) -> intake.accept(envelope));
    }
}
