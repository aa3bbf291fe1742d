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

/** The dead-letter admin API every Tenantry service exposes (role operator). */
@Path("/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class DeadLetterResource {

    private final DeadLetterAdmin admin;

    public DeadLetterResource(DeadLetterAdmin admin) {
        this.admin = admin;
    }

    @GET
    public DeadLetterPage list(
            @QueryParam("consumerGroup") String consumerGroup,
            @QueryParam("tenant") String tenant,
            @QueryParam("eventType") String eventType,
            @QueryParam("since") String since,
            @QueryParam("limit") @DefaultValue("100") int limit,
            @QueryParam("cursor") String cursor) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.invalidField("limit", "must be between 1 and 1000");
        }
        return admin.list(consumerGroup, tenant, eventType, parseInstant(since), limit, cursor);
    }

    @GET
    @Path("/{topic}/{partition}/{offset}")
    public DeadLetter show(
            @PathParam("topic") String topic, @PathParam("partition") int partition, @PathParam("offset") long offset) {
        String id = topic + "/" + partition + "/" + offset;
        return admin.find(id).orElseThrow(() -> ProblemException.notFound("No dead letter " + id));
    }

    @POST
    @Path("/replay")
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
