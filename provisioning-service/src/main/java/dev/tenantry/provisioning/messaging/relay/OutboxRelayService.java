package dev.tenantry.provisioning.messaging.relay;

import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.service.ProvisioningMetrics;
import dev.tenantry.support.messaging.EventPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs this instance's outbox relay (active or standing by). The publication and the replication
 * slot are made sure of before anything else starts, so no outbox row can predate the slot.
 */
@ApplicationScoped
public class OutboxRelayService {

    private final ProvisioningConfig config;
    private final EventPublisher publisher;
    private final ProvisioningMetrics metrics;
    private final RelaySettings settings;
    private volatile OutboxRelay relay;

    public OutboxRelayService(
            ProvisioningConfig config,
            EventPublisher publisher,
            ProvisioningMetrics metrics,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.config = config;
        this.publisher = publisher;
        this.metrics = metrics;
        ProvisioningConfig.Relay r = config.relay();
        this.settings = new RelaySettings(
                r.engineName(),
                jdbcUrl,
                user,
                password.orElse(null),
                r.schema(),
                r.slotName(),
                r.publicationName(),
                r.pollInterval(),
                r.standbyRetryInterval(),
                r.offsetFlushInterval(),
                r.heartbeatInterval(),
                r.restartBackoff());
    }

    void onStart(@Observes @Priority(10) StartupEvent start) throws SQLException {
        if (!config.relay().enabled()) {
            return;
        }
        RelayPublication.prepare(settings);
        relay = newRelay(settings);
        relay.start();
    }

    void onStop(@Observes ShutdownEvent stop) {
        OutboxRelay current = relay;
        if (current != null) {
            current.close();
        }
    }

    /** A relay publishing through this service's Kafka producer (tests run more than one). */
    public OutboxRelay newRelay(RelaySettings relaySettings) {
        return new OutboxRelay(relaySettings, publisher::sendAll, metrics::eventRelayed);
    }

    public Optional<OutboxRelay> relay() {
        return Optional.ofNullable(relay);
    }

    public RelaySettings settings() {
        return settings;
    }

    public boolean enabled() {
        return config.relay().enabled();
    }
}
