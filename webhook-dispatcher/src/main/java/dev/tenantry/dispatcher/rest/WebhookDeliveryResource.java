package dev.tenantry.dispatcher.rest;

import dev.tenantry.dispatcher.model.Attempt;
import dev.tenantry.dispatcher.model.Delivery;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import dev.tenantry.dispatcher.model.Page;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.service.DeliveryService;
import dev.tenantry.support.rest.ProblemException;
import dev.tenantry.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The delivery log, and redelivery for operators. */
@Path("/webhook-deliveries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhook deliveries")
@RolesAllowed({Roles.VIEWER, Roles.TENANT_ADMIN, Roles.OPERATOR})
public class WebhookDeliveryResource {

    private final DeliveryService deliveries;

    public WebhookDeliveryResource(DeliveryService deliveries) {
        this.deliveries = deliveries;
    }

    @GET
    @Operation(
            summary = "Deliveries, newest first, a page at a time",
            description = "Filters: status (pending, delivering, delivered, failed), endpoint id, tenant id, "
                    + "since (created at or after, RFC 3339). Pass the answer's nextCursor as cursor for the next "
                    + "page; it is null on the last page. A page continues after the last delivery of the previous "
                    + "one, so deliveries queued meanwhile never make a walk see one twice.")
    @APIResponse(responseCode = "200", description = "A page of deliveries")
    @APIResponse(responseCode = "400", description = "A filter, limit or cursor not valid")
    public DeliveryPageView list(
            @QueryParam("status") String status,
            @QueryParam("endpoint") String endpoint,
            @QueryParam("tenant") String tenant,
            @QueryParam("since") String since,
            @QueryParam("limit")
                    @Parameter(
                            description = "Page size, 1-500",
                            schema = @Schema(type = SchemaType.INTEGER, defaultValue = "50"))
                    String limit,
            @QueryParam("cursor") @Parameter(description = "nextCursor of the previous page") String cursor)
            throws SQLException {
        Page<Delivery> page = deliveries.list(new DeliveryRepository.Filter(
                status(status),
                Params.optionalUuid(endpoint, "endpoint"),
                tenant == null || tenant.isBlank() ? null : tenant.trim(),
                Params.optionalInstant(since, "since"),
                Params.cursor(cursor),
                Params.limit(limit, 50)));
        return new DeliveryPageView(page.items(), page.nextCursor());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One delivery")
    public Delivery get(@PathParam("id") String id) throws SQLException {
        return deliveries.get(deliveryId(id));
    }

    @GET
    @Path("/{id}/attempts")
    @Operation(summary = "Every attempt of a delivery, oldest first, with the start of each response body")
    public List<Attempt> attempts(@PathParam("id") String id) throws SQLException {
        return deliveries.attempts(deliveryId(id));
    }

    @POST
    @Path("/{id}/redeliver")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary = "Send a delivery again now, with a fresh retry schedule",
            description = "Same payload and webhook-id, so receivers can recognise a repeat.")
    @APIResponse(
            responseCode = "202",
            description = "Queued; the delivery as it now stands",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Delivery.class)))
    @APIResponse(responseCode = "409", description = "An attempt is in flight, or the endpoint is disabled")
    public Response redeliver(@PathParam("id") String id) throws SQLException {
        return Response.accepted(deliveries.redeliver(deliveryId(id))).build();
    }

    private static UUID deliveryId(String id) {
        return Params.pathId(id, "webhook delivery");
    }

    private static DeliveryStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return DeliveryStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("status", "one of pending, delivering, delivered, failed");
        }
    }
}
