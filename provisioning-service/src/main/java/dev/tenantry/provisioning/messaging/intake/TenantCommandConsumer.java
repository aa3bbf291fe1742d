package dev.tenantry.provisioning.messaging.intake;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.DeleteTenant;
import dev.tenantry.contracts.events.TenantCommand;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.events.UpgradeTenant;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.model.NewTenant;
import dev.tenantry.provisioning.service.TenantRequests;
import dev.tenantry.support.messaging.IncomingEvents;
import dev.tenantry.support.messaging.RetryPolicy;
import dev.tenantry.support.messaging.UnsupportedEventException;
import dev.tenantry.support.rest.ProblemException;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Tenant commands from other services (tenant-commands). Each goes through the same
 * {@link TenantRequests} methods as REST, with its command id as idempotency key. A command that
 * cannot be carried out is answered with TenantRequestRejected on tenant-lifecycle; one that
 * cannot even be read is dead-lettered and rejected ({@link UnreadableCommandRejection}). None is
 * dropped. Read through the {@code tenant-commands} channel, one record at a time.
 */
@ApplicationScoped
public class TenantCommandConsumer {

    private static final Logger LOG = Logger.getLogger(TenantCommandConsumer.class);

    private final TenantRequests requests;
    private final IncomingEvents incoming;
    private final String group;
    private final RetryPolicy retry;

    public TenantCommandConsumer(TenantRequests requests, IncomingEvents incoming, ProvisioningConfig config) {
        this.requests = requests;
        this.incoming = incoming;
        this.group = config.consumerGroup();
        this.retry = config.retry().policy();
    }

    @Incoming("tenant-commands")
    @Blocking(ordered = false) // one partition at a time: throttled.ordered=partition
    public CompletionStage<Void> consume(Message<byte[]> command) {
        return incoming.consume(command, group, retry, this::handle);
    }

    void handle(EventEnvelope<TenantryEvent> event, ConsumerRecord<String, byte[]> record) throws SQLException {
        if (!(event.data() instanceof TenantCommand command)) {
            // Not a command: the dead-letter path rejects it with the reason.
            throw new UnsupportedEventException(event.type(), "provisioning-service");
        }
        try {
            TenantRequests.Accepted accepted;
            if (command instanceof CreateTenant c) {
                accepted = requests.create(
                        new NewTenant(c.slug(), c.displayName(), c.plan(), c.metadata()), c.commandId(), event);
            } else if (command instanceof UpgradeTenant u) {
                accepted = requests.upgrade(u.tenantId(), u.targetVersion(), u.commandId(), event);
            } else {
                DeleteTenant d = (DeleteTenant) command;
                accepted = requests.delete(d.tenantId(), d.commandId(), event);
            }
            LOG.infof(
                    "%s %s accepted for tenant %s (%s)%s",
                    event.eventType().simpleName(),
                    command.commandId(),
                    accepted.tenant().id(),
                    accepted.tenant().status(),
                    accepted.replayed() ? ", a repeat" : "");
        } catch (ProblemException refused) {
            requests.reject(
                    event.id(),
                    event.correlationIdOrId(),
                    command.commandId(),
                    event.eventType().simpleName(),
                    subjectOf(command),
                    refused.problem());
        }
    }

    private static String subjectOf(TenantCommand command) {
        if (command instanceof CreateTenant c) {
            return c.slug();
        }
        return command instanceof UpgradeTenant u ? u.tenantId() : ((DeleteTenant) command).tenantId();
    }
}
