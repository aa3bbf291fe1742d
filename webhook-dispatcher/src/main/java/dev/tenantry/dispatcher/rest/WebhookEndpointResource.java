package dev.tenantry.dispatcher.rest;

import dev.tenantry.dispatcher.model.Page;
import dev.tenantry.dispatcher.model.WebhookEndpoint;
import dev.tenantry.dispatcher.service.DeliveryService;
import dev.tenantry.dispatcher.service.DeliveryService.PingResult;
import dev.tenantry.dispatcher.service.DeliveryService.Recovery;
import dev.tenantry.dispatcher.service.EndpointService;
import dev.tenantry.dispatcher.service.EndpointService.EndpointWithSecret;
import dev.tenantry.dispatcher.service.EndpointService.RotatedSecret;
import dev.tenantry.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Webhook endpoints: tenant admins and operators manage them, viewers read them. */
@Path("/webhook-endpoints")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhook endpoints")
@RolesAllowed({Roles.TENANT_ADMIN, Roles.OPERATOR})
public class WebhookEndpointResource {

    private final EndpointService endpoints;
    private final DeliveryService deliveries;

    public WebhookEndpointResource(EndpointService endpoints, DeliveryService deliveries) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Register an endpoint",
            description = "The URL must be https and must not resolve to an internal address. The answer carries "
                    + "the signing secret; it is never shown again (rotate to get a new one).")
    @APIResponse(
            responseCode = "201",
            description = "Registered; body includes the secret",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EndpointView.class)))
    @APIResponse(responseCode = "422", description = "URL refused (scheme or address)")
    public Response create(EndpointRequest request, @Context UriInfo uri) throws SQLException {
        EndpointWithSecret created = endpoints.create(request == null ? null : request.toSpec());
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(created.endpoint().id().toString())
                        .build())
                .entity(EndpointView.of(created.endpoint(), created.secret()))
                .build();
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.TENANT_ADMIN, Roles.OPERATOR})
    @Operation(
            summary = "Endpoints, oldest first, a page at a time; optionally those receiving a given tenant's events",
            description = "Pass the answer's nextCursor as cursor for the next page; it is null on the last page. "
                    + "A page continues after the last endpoint of the previous one, so endpoints registered "
                    + "meanwhile never make a walk see one twice.")
    @APIResponse(responseCode = "200", description = "A page of endpoints")
    @APIResponse(responseCode = "400", description = "limit or cursor not valid")
    public EndpointPageView list(
            @QueryParam("tenant") String tenant,
            @QueryParam("limit")
                    @Parameter(
                            description = "Page size, 1-500",
                            schema = @Schema(type = SchemaType.INTEGER, defaultValue = "100"))
                    String limit,
            @QueryParam("cursor") @Parameter(description = "nextCursor of the previous page") String cursor)
            throws SQLException {
        Page<WebhookEndpoint> page = endpoints.list(
                tenant == null || tenant.isBlank() ? null : tenant.trim(),
                Params.cursor(cursor),
                Params.limit(limit, 100));
        return new EndpointPageView(page.items().stream().map(EndpointView::of).toList(), page.nextCursor());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.VIEWER, Roles.TENANT_ADMIN, Roles.OPERATOR})
    @Operation(summary = "One endpoint (never its secret)")
    public EndpointView get(@PathParam("id") String id) throws SQLException {
        return EndpointView.of(endpoints.get(endpointId(id)));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Replace an endpoint's URL, description and filters; enable or disable it",
            description = "enabled=true on a disabled endpoint enables it again and clears the reason.")
    public EndpointView update(@PathParam("id") String id, EndpointRequest request) throws SQLException {
        return EndpointView.of(endpoints.update(endpointId(id), request == null ? null : request.toSpec()));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove an endpoint with its deliveries and attempts")
    @APIResponse(responseCode = "204", description = "Removed")
    public Response delete(@PathParam("id") String id) throws SQLException {
        endpoints.delete(endpointId(id));
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(
            summary = "Make a new signing secret",
            description = "The previous secret keeps signing for the rotation window: requests carry both "
                    + "signatures until then. The new secret is shown only in this answer.")
    public RotatedSecret rotateSecret(@PathParam("id") String id) throws SQLException {
        return endpoints.rotateSecret(endpointId(id));
    }

    @POST
    @Path("/{id}/ping")
    @Operation(summary = "Send a signed test event now and report the outcome (no retries)")
    public PingResult ping(@PathParam("id") String id) throws SQLException {
        return deliveries.ping(endpointId(id));
    }

    @POST
    @Path("/{id}/recover")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary = "Queue again every failed delivery of this endpoint created since a time",
            description = "Each gets a fresh retry schedule. The endpoint must be enabled.")
    @APIResponse(
            responseCode = "202",
            description = "Queued; how many deliveries",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Recovery.class)))
    public Response recover(@PathParam("id") String id, @QueryParam("since") String since) throws SQLException {
        Recovery recovery = deliveries.recover(endpointId(id), Params.requiredInstant(since, "since"));
        return Response.accepted(recovery).build();
    }

    private static UUID endpointId(String id) {
        return Params.pathId(id, "webhook endpoint");
    }
}
