package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.repository.RetentionRepository;
import dev.tenantry.support.deadletter.DeadLetterAdmin;
import dev.tenantry.support.persistence.ProcessedEvents;
import dev.tenantry.support.persistence.RetentionRule;
import dev.tenantry.support.persistence.RetentionSweep;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the delivery log and the processed-event log from growing without end: finished
 * deliveries (with their attempts) and processed-event ids older than their retention are
 * deleted, in batches.
 */
@ApplicationScoped
public class DeliveryRetentionSweeper {

    static final String DELIVERIES = "webhook_delivery";

    private final DispatcherConfig.Retention config;
    private final RetentionSweep sweep;

    public DeliveryRetentionSweeper(
            AgroalDataSource dataSource,
            RetentionRepository retention,
            DispatcherConfig config,
            MeterRegistry registry,
            @ConfigProperty(name = DeadLetterAdmin.REPLAY_WINDOW, defaultValue = DeadLetterAdmin.DEFAULT_REPLAY_WINDOW)
                    Duration replayWindow) {
        this.config = config.retention();
        ProcessedEvents.requireLongerThanReplayWindow(
                this.config.processedEvents(), replayWindow, "tenantry.dispatcher.retention.processed-events");
        ProcessedEvents processed = ProcessedEvents.DISPATCHER;
        this.sweep = new RetentionSweep(
                "webhook-retention",
                dataSource,
                List.of(
                        new RetentionRule(DELIVERIES, this.config.period(), retention::deleteFinishedDeliveries),
                        new RetentionRule(processed.table(), this.config.processedEvents(), processed::prune)),
                this.config.batchSize(),
                registry);
    }

    void onStart(@Observes StartupEvent start) {
        sweep.start(config.interval());
    }

    void onStop(@Observes ShutdownEvent stop) {
        sweep.close();
    }

    /** Deletes everything past retention; returns the deliveries deleted. */
    public int sweep() throws SQLException {
        Map<String, Integer> deleted = sweep.sweep();
        return deleted.getOrDefault(DELIVERIES, 0);
    }
}
