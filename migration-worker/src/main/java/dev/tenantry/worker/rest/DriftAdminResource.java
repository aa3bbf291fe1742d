package dev.tenantry.worker.rest;

import dev.tenantry.support.rest.ProblemException;
import dev.tenantry.support.security.Roles;
import dev.tenantry.worker.model.DriftReport;
import dev.tenantry.worker.model.FleetProgress;
import dev.tenantry.worker.model.MigrationRun;
import dev.tenantry.worker.repository.MigrationRunRepository;
import dev.tenantry.worker.rollout.RolloutService;
import dev.tenantry.worker.service.DriftService;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operator routes of the worker: drift verification, repair and the migration run log. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
@Tag(name = "Drift and migrations")
public class DriftAdminResource {

    private final DriftService drift;
    private final RolloutService rollouts;
    private final MigrationRunRepository runs;
    private final AgroalDataSource dataSource;

    public DriftAdminResource(
            DriftService drift, RolloutService rollouts, MigrationRunRepository runs, AgroalDataSource dataSource) {
        this.drift = drift;
        this.rollouts = rollouts;
        this.runs = runs;
        this.dataSource = dataSource;
    }

    @GET
    @Path("/drift")
    @Operation(
            summary = "Where every tenant schema stands against the latest migration",
            description = "deep=true also compares each schema's catalog with a freshly migrated reference schema")
    public DriftReport verify(@QueryParam("deep") @DefaultValue("false") boolean deep) throws SQLException {
        return drift.verify(deep);
    }

    @POST
    @Path("/drift/fix")
    @Operation(
            summary = "Upgrade every tenant that is behind (a fleet upgrade); returns its progress",
            description = "A rollout of one stage to the latest version, without failure budget, over every"
                    + " tenant behind except pinned ones and those whose last migration failed. Joins the open"
                    + " rollout to the latest version when there is one. Staged rollouts: POST /admin/rollouts")
    @APIResponse(
            responseCode = "202",
            description = "The fleet upgrade started (or was already open)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = FleetProgress.class)))
    public Response fix(@Context SecurityContext caller) throws SQLException {
        String by = caller.getUserPrincipal() == null
                ? "operator"
                : caller.getUserPrincipal().getName();
        return Response.accepted(FleetProgress.of(rollouts.repairFleet(drift.verify(false), by)))
                .build();
    }

    @GET
    @Path("/fleet-upgrade")
    @Operation(summary = "Progress of the newest rollout, in the fleet-upgrade shape")
    @APIResponse(
            responseCode = "200",
            description = "Its progress",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = FleetProgress.class)))
    @APIResponse(responseCode = "404", description = "No fleet upgrade has run yet")
    public FleetProgress fleetProgress() throws SQLException {
        return rollouts.recent(1).stream()
                .findFirst()
                .map(FleetProgress::of)
                .orElseThrow(() -> ProblemException.notFound("No fleet upgrade has run yet"));
    }

    @GET
    @Path("/tenants/{tenantId}/runs")
    @Operation(summary = "The migration run log of one tenant, newest first")
    @APIResponse(
            responseCode = "200",
            description = "Its runs",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = MigrationRun.class)))
    @APIResponse(responseCode = "400", description = "limit not between 1 and 500")
    public List<MigrationRun> runs(
            @PathParam("tenantId") String tenantId, @QueryParam("limit") @DefaultValue("50") int limit)
            throws SQLException {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalidField("limit", "must be between 1 and 500");
        }
        try (Connection connection = dataSource.getConnection()) {
            return runs.findByTenant(connection, tenantId, limit);
        }
    }
}
