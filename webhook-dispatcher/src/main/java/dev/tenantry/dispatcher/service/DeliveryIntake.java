package dev.tenantry.dispatcher.service;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.LifecycleEvent;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.support.messaging.UnsupportedEventException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Turns a lifecycle event into one delivery per matching enabled endpoint. The deliveries and
 * the processed-event record commit together (one statement), and the consumer commits the Kafka offset only
 * after that: an event is either fully queued or will be read again, and reading it again adds
 * nothing (unique event id + endpoint, and the message log).
 */
@ApplicationScoped
public class DeliveryIntake {

    private static final Logger LOG = Logger.getLogger(DeliveryIntake.class);

    private final AgroalDataSource dataSource;
    private final DeliveryRepository deliveries;
    private final DeliveryEngine engine;
    private final RetrySchedule schedule;
    private final CloudEventCodec codec = CloudEventCodec.shared();
    private final String consumer;

    public DeliveryIntake(
            AgroalDataSource dataSource,
            DeliveryRepository deliveries,
            DeliveryEngine engine,
            RetrySchedule schedule,
            DispatcherConfig config) {
        this.dataSource = dataSource;
        this.deliveries = deliveries;
        this.engine = engine;
        this.schedule = schedule;
        this.consumer = config.consumerGroup();
    }

    /** @return how many deliveries were queued */
    public int accept(EventEnvelope<TenantryEvent> event) throws SQLException {
        if (!(event.data() instanceof LifecycleEvent)) {
            throw new UnsupportedEventException(event.type(), consumer);
        }
        String payload = codec.toStructuredJson(event);
        DeliveryRepository.Intake intake;
        try (Connection connection = dataSource.getConnection()) {
            intake = deliveries.queueEvent(
                    connection, consumer, event.id(), event.subject(), event.type(), payload, schedule.initialDelay());
        }
        if (intake.seenBefore()) {
            LOG.debugf("Event %s was queued before; skipping", event.id());
            return 0;
        }
        int queued = intake.queued();
        if (queued > 0) {
            engine.signal();
        }
        return queued;
    }
}
