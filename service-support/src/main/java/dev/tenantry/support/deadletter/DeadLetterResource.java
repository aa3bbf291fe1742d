package dev.tenantry.support.deadletter;

import dev.tenantry.support.rest.ProblemException;
import dev.tenantry.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The dead-letter admin API every Tenantry service exposes (role operator). */
@Path("/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
@Tag(name = "Dead letters")
public class DeadLetterResource {

    private final DeadLetterAdmin admin;

    public DeadLetterResource(DeadLetterAdmin admin) {
        this.admin = admin;
    }

    @GET
    @Operation(summary = "Dead letters of this service's consumers, a page at a time, optionally filtered")
    @APIResponse(
            responseCode = "200",
            description = "A page of dead letters",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeadLetterPage.class)))
    @APIResponse(responseCode = "400", description = "since, limit or cursor not valid")
    public DeadLetterPage list(
            @QueryParam("consumerGroup") String consumerGroup,
            @QueryParam("tenant") String tenant,
            @QueryParam("eventType") String eventType,
            @QueryParam("since") @Parameter(description = "ISO-8601 instant, e.g. 2026-01-31T12:00:00Z") String since,
            @QueryParam("limit") @DefaultValue("100") @Parameter(description = "Page size, 1-1000") int limit,
            @QueryParam("cursor") @Parameter(description = "nextCursor of the previous page") String cursor) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.invalidField("limit", "must be between 1 and 1000");
        }
        return admin.list(consumerGroup, tenant, eventType, parseInstant(since), limit, cursor);
    }

    @GET
    @Path("/{topic}/{partition}/{offset}")
    @Operation(summary = "One dead letter, by where it sits in its dead-letter topic")
    @APIResponse(
            responseCode = "200",
            description = "The dead letter",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeadLetter.class)))
    @APIResponse(responseCode = "404", description = "No such dead letter")
    public DeadLetter show(
            @PathParam("topic") String topic, @PathParam("partition") int partition, @PathParam("offset") long offset) {
        String id = topic + "/" + partition + "/" + offset;
        return admin.find(id).orElseThrow(() -> ProblemException.notFound("No dead letter " + id));
    }

    @POST
    @Path("/replay")
    @Operation(
            summary = "Publish chosen dead letters again to their original topic",
            description = "Select exactly one of eventId, tenant, since or all (optionally within one "
                    + "consumerGroup); dryRun reports without sending. Only the consumer group that failed a "
                    + "record handles its replay; the others skip it.")
    @Consumes(MediaType.APPLICATION_JSON)
    public ReplayResult replay(ReplayRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("A JSON body selecting what to replay is required");
        }
        return admin.replay(request);
    }

    private static Instant parseInstant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField("since", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }
}
