package dev.tenantry.provisioning.service;

import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.repository.IdempotencyRepository;
import dev.tenantry.provisioning.repository.TimelineRepository;
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
 * The service's retention sweep: processed-event ids, idempotency keys (clients' keys and command
 * ids, each with its own period) and timeline entries past retention are deleted in batches.
 */
@ApplicationScoped
public class ProvisioningRetentionSweeper {

    private final ProvisioningConfig.Retention config;
    private final RetentionSweep sweep;

    public ProvisioningRetentionSweeper(
            AgroalDataSource dataSource,
            IdempotencyRepository idempotency,
            TimelineRepository timeline,
            ProvisioningConfig config,
            MeterRegistry registry,
            @ConfigProperty(name = DeadLetterAdmin.REPLAY_WINDOW, defaultValue = DeadLetterAdmin.DEFAULT_REPLAY_WINDOW)
                    Duration replayWindow) {
        this.config = config.retention();
        ProcessedEvents.requireLongerThanReplayWindow(
                this.config.processedEvents(), replayWindow, "tenantry.provisioning.retention.processed-events");
        ProcessedEvents.requireLongerThanReplayWindow(
                this.config.commandIds(), replayWindow, "tenantry.provisioning.retention.command-ids");
        ProcessedEvents processed = ProcessedEvents.PROVISIONING;
        this.sweep = new RetentionSweep(
                "provisioning-retention",
                dataSource,
                List.of(
                        new RetentionRule(processed.table(), this.config.processedEvents(), processed::prune),
                        new RetentionRule(
                                "provisioning_idempotency_key",
                                this.config.idempotencyKeys(),
                                idempotency::pruneRequestKeys),
                        new RetentionRule(
                                "provisioning_idempotency_key.command",
                                this.config.commandIds(),
                                idempotency::pruneCommandIds),
                        new RetentionRule("tenant_timeline", this.config.timeline(), timeline::prune)),
                this.config.batchSize(),
                registry);
    }

    void onStart(@Observes StartupEvent start) {
        sweep.start(config.interval());
    }

    void onStop(@Observes ShutdownEvent stop) {
        sweep.close();
    }

    /** Runs every retention rule once; returns the rows deleted per rule. */
    public Map<String, Integer> sweep() throws SQLException {
        return sweep.sweep();
    }
}
