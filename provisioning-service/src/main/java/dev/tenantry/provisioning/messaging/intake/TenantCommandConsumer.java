package dev.tenantry.provisioning.messaging.intake;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.DeleteTenant;
import dev.tenantry.contracts.events.TenantCommand;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.events.UpgradeTenant;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.model.NewTenant;
import dev.tenantry.provisioning.service.TenantRequests;
import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.deadletter.DeadLetterSources;
import dev.tenantry.support.messaging.EventConsumer;
import dev.tenantry.support.messaging.EventPublisher;
import dev.tenantry.support.messaging.RetryPolicy;
import dev.tenantry.support.messaging.UnsupportedEventException;
import dev.tenantry.support.rest.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tenant commands from other services (tenant-commands). Each goes through the same
 * {@link TenantRequests} methods as REST, with its command id as idempotency key. A command that
 * cannot be carried out is answered with TenantRequestRejected on tenant-lifecycle; one that
 * cannot even be read is also dead-lettered ({@link RejectingDeadLetters}). None is dropped.
 */
@ApplicationScoped
public class TenantCommandConsumer {

    private static final Logger LOG = Logger.getLogger(TenantCommandConsumer.class);

    private final TenantRequests requests;
    private final EventConsumer consumer;

    public TenantCommandConsumer(
            DeadLetterSources deadLetterSources,
            ProvisioningConfig config,
            TenantRequests requests,
            EventPublisher publisher,
            MeterRegistry registry,
            MessagingConfig messaging,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.requests = requests;
        ProvisioningConfig.Retry retry = config.retry();
        this.consumer = new EventConsumer(
                new EventConsumer.Settings(
                                bootstrapServers,
                                Topics.TENANT_COMMANDS,
                                config.consumerGroup(),
                                1,
                                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()),
                                Map.of())
                        .configuredBy(messaging.consumers()),
                this::handle,
                new RejectingDeadLetters(publisher, requests),
                registry);
        deadLetterSources.register(consumer);
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
