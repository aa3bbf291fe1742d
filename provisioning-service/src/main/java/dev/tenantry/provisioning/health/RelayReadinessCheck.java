package dev.tenantry.provisioning.health;

import dev.tenantry.provisioning.messaging.relay.OutboxRelay;
import dev.tenantry.provisioning.messaging.relay.OutboxRelayService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while this instance's relay is relaying or standing by to take over. */
@Readiness
@ApplicationScoped
public class RelayReadinessCheck implements HealthCheck {

    private final OutboxRelayService relays;

    public RelayReadinessCheck(OutboxRelayService relays) {
        this.relays = relays;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox-relay");
        if (!relays.enabled()) {
            return response.up().withData("role", "DISABLED").build();
        }
        OutboxRelay relay = relays.relay().orElse(null);
        if (relay == null) {
            return response.down().withData("role", "NOT_STARTED").build();
        }
        response.withData("role", relay.role().name())
                .withData("slot", relay.settings().slotName());
        if (relay.lastError() != null) {
            response.withData("lastError", relay.lastError());
        }
        return response.status(relay.role() != OutboxRelay.Role.STOPPED).build();
    }
}
