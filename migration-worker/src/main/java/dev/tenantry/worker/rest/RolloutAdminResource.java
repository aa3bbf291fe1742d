package dev.tenantry.worker.rest;

import dev.tenantry.support.rest.Problem;
import dev.tenantry.support.rest.ProblemException;
import dev.tenantry.support.security.Roles;
import dev.tenantry.worker.model.Rollout;
import dev.tenantry.worker.model.RolloutPlan;
import dev.tenantry.worker.model.RolloutRequest;
import dev.tenantry.worker.rollout.RolloutService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
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
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operator routes for staged fleet rollouts: plan, create, follow and steer them. */
@Path("/admin/rollouts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
@Tag(name = "Rollouts")
public class RolloutAdminResource {

    private final RolloutService rollouts;

    public RolloutAdminResource(RolloutService rollouts) {
        this.rollouts = rollouts;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Create a rollout, or with dryRun=true print its plan",
            description = "Every worker instance claims tenants of the current stage; a stage whose failures exceed"
                    + " its budget halts the rollout. One open rollout per target version.")
    @APIResponse(
            responseCode = "201",
            description = "The rollout, started",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Rollout.class)))
    @APIResponse(
            responseCode = "200",
            description = "dryRun=true: the plan (stages, tenants per stage, estimated time); nothing was created",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RolloutPlan.class)))
    @APIResponse(responseCode = "400", description = "An invalid stage or an unknown target version")
    @APIResponse(responseCode = "409", description = "A rollout to the same version is open; the problem names it")
    public Response create(
            RolloutRequest request,
            @Parameter(description = "Only print the plan") @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
            @Context SecurityContext caller)
            throws SQLException {
        RolloutRequest wanted = request == null ? new RolloutRequest(null, null, null, null, null, null) : request;
        if (dryRun) {
            return Response.ok(rollouts.plan(wanted)).build();
        }
        Rollout rollout = rollouts.create(wanted, callerName(caller));
        return Response.created(URI.create("/admin/rollouts/" + rollout.id()))
                .entity(rollout)
                .build();
    }

    @GET
    @Operation(summary = "The newest rollouts first")
    @APIResponse(
            responseCode = "200",
            description = "The rollouts",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = Rollout.class)))
    @APIResponse(responseCode = "400", description = "limit not between 1 and 100")
    public List<Rollout> list(@QueryParam("limit") @DefaultValue("20") int limit) throws SQLException {
        if (limit < 1 || limit > 100) {
            throw ProblemException.invalidField("limit", "must be between 1 and 100");
        }
        return rollouts.recent(limit);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One rollout: state, stages, tenants by state, failures, speed and ETA")
    @APIResponse(
            responseCode = "200",
            description = "The rollout",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Rollout.class)))
    @APIResponse(responseCode = "404", description = "No such rollout")
    public Rollout show(@PathParam("id") String id) throws SQLException {
        return rollouts.find(id).orElseThrow(() -> ProblemException.notFound("No rollout " + id));
    }

    @POST
    @Path("/{id}/pause")
    @Operation(summary = "Start no more tenants; those running finish")
    @APIResponse(responseCode = "200", description = "The rollout, paused")
    @APIResponse(responseCode = "404", description = "No such rollout")
    @APIResponse(responseCode = "409", description = "The rollout is not running")
    public Rollout pause(@PathParam("id") String id, @Context SecurityContext caller) throws SQLException {
        return rollouts.pause(id, callerName(caller));
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "Go on after a pause, a gate or a halt")
    @APIResponse(responseCode = "200", description = "The rollout, running")
    @APIResponse(responseCode = "404", description = "No such rollout")
    @APIResponse(responseCode = "409", description = "The rollout is not paused or halted")
    public Rollout resume(@PathParam("id") String id) throws SQLException {
        return rollouts.resume(id);
    }

    @POST
    @Path("/{id}/abort")
    @Operation(summary = "End the rollout: tenants running finish, no more start")
    @APIResponse(responseCode = "200", description = "The rollout, aborted")
    @APIResponse(responseCode = "404", description = "No such rollout")
    @APIResponse(responseCode = "409", description = "The rollout has already ended")
    public Rollout abort(@PathParam("id") String id, @Context SecurityContext caller) throws SQLException {
        return rollouts.abort(id, callerName(caller));
    }

    @POST
    @Path("/{id}/retry-failed")
    @Operation(summary = "Migrate the failed tenants again, from the earliest stage that had one")
    @APIResponse(responseCode = "200", description = "The rollout, running")
    @APIResponse(responseCode = "404", description = "No such rollout")
    @APIResponse(
            responseCode = "409",
            description = "Aborted, no failed tenant, or another rollout to its version is open",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Rollout retryFailed(@PathParam("id") String id) throws SQLException {
        return rollouts.retryFailed(id);
    }

    private static String callerName(SecurityContext caller) {
        return caller.getUserPrincipal() == null
                ? "operator"
                : caller.getUserPrincipal().getName();
    }
}
