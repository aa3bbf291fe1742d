package dev.tenantry.provisioning.rest;

import dev.tenantry.provisioning.messaging.relay.OutboxRelay;
import dev.tenantry.provisioning.messaging.relay.OutboxRelayService;
import dev.tenantry.provisioning.repository.OutboxRepository;
import dev.tenantry.provisioning.service.StuckTenantSweeper;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operations routes: the relay's state and the stuck-saga sweep on demand. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
@Tag(name = "Admin")
public class ProvisioningAdminResource {

    private final OutboxRelayService relays;
    private final OutboxRepository outbox;
    private final Transactions transactions;
    private final StuckTenantSweeper sweeper;

    public ProvisioningAdminResource(
            OutboxRelayService relays, OutboxRepository outbox, Transactions transactions, StuckTenantSweeper sweeper) {
        this.relays = relays;
        this.outbox = outbox;
        this.transactions = transactions;
        this.sweeper = sweeper;
    }

    /** This instance's relay and the outbox backlog. */
    public record RelayStatus(
            boolean enabled,
            String role,
            String slot,
            long relayedByThisInstance,
            String lastError,
            long pendingRows,
            double oldestPendingSeconds) {}

    public record SweepResult(int tenantsMoved) {}

    @GET
    @Path("/relay")
    @Operation(summary = "Outbox relay of this instance (ACTIVE, STANDBY...) and rows waiting to be relayed")
    public RelayStatus relay() throws SQLException {
        long pending = transactions.read(tx -> outbox.count(tx.connection()));
        double oldest = transactions.read(tx -> outbox.oldestAgeSeconds(tx.connection()));
        OutboxRelay relay = relays.relay().orElse(null);
        return new RelayStatus(
                relays.enabled(),
                relay == null ? "DISABLED" : relay.role().name(),
                relays.settings().slotName(),
                relay == null ? 0 : relay.relayedCount(),
                relay == null ? null : relay.lastError(),
                pending,
                oldest);
    }

    @POST
    @Path("/saga/sweep")
    @Operation(
            summary = "Sweep stuck tenants now, as the periodic sweep does",
            description = "A tenant is stuck when the worker has not answered its request within the timeout "
                    + "(tenantry.provisioning.saga.provisioning-timeout; upgrade-timeout for UPGRADING) while "
                    + "answering later requests or none at all. PROVISIONING and UPGRADING tenants have their "
                    + "request sent again until saga.max-provisioning-requests requests have gone unanswered; "
                    + "then a new tenant is failed and compensated, an upgrade is failed (UPGRADE_FAILED). "
                    + "COMPENSATING and DELETING tenants have their request re-sent, with no limit. Answers "
                    + "how many tenants were moved.")
    public SweepResult sweep() throws SQLException {
        return new SweepResult(sweeper.sweep());
    }
}
