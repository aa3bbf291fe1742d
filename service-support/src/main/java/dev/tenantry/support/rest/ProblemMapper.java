package dev.tenantry.support.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where exceptions become HTTP responses: every error of every Tenantry service
 * leaves as RFC 9457 problem+json. Bad input is always a 4xx; a 500 never echoes internals to the
 * client, only an error id that is also in the log.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final HttpLimits limits;

    public ProblemMapper(HttpLimits limits) {
        this.limits = limits;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.problem(), uri);
    }

    @ServerExceptionMapper
    public Response unrecognizedField(UnrecognizedPropertyException e, UriInfo uri) {
        String field = path(e);
        return respond(
                new Problem(
                        Problem.type("invalid-request"),
                        "Invalid request",
                        400,
                        "Unknown field '" + field + "'",
                        null,
                        List.of(new Problem.FieldError(field, "unknown field"))),
                uri);
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e, UriInfo uri) {
        String field = path(e);
        return respond(
                new Problem(
                        Problem.type("invalid-request"),
                        "Invalid request",
                        400,
                        "Field '" + field + "' has the wrong type or format",
                        null,
                        List.of(new Problem.FieldError(
                                field, "expected " + e.getTargetType().getSimpleName()))),
                uri);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        String field = path(e);
        String detail = field.isEmpty()
                ? "Request body does not match the expected JSON structure"
                : "Field '" + field + "' has the wrong type";
        return respond(simple(400, "invalid-request", "Invalid request", detail), uri);
    }

    @ServerExceptionMapper
    public Response nulCharacter(NulCharacterException e, UriInfo uri) {
        String field = path(e);
        String message = "must not contain the NUL character (\\u0000)";
        return respond(
                new Problem(
                        Problem.type("invalid-request"),
                        "Invalid request",
                        400,
                        (field.isEmpty() ? "Text " : "Field '" + field + "' ") + message,
                        null,
                        List.of(new Problem.FieldError(field, message))),
                uri);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        return respond(
                simple(
                        400,
                        "malformed-json",
                        "Malformed JSON",
                        "Request body is not valid JSON: " + e.getOriginalMessage()),
                uri);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(
                simple(403, "forbidden", "Forbidden", "Your token does not carry a role that may use this operation"),
                uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e, uri);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        if (e instanceof NotFoundException
                && e.getCause() != null
                && !(e.getCause() instanceof WebApplicationException)) {
            // JAX-RS answers a path or query parameter it cannot convert (limit=abc) with 404, as if
            // the route did not exist; the client sent a bad value, and is told so.
            return respond(
                    simple(
                            400,
                            "invalid-request",
                            "Invalid request",
                            "A path or query parameter has the wrong type or format"),
                    uri);
        }
        Response.Status.Family family = Response.Status.Family.familyOf(status);
        if (family != Response.Status.Family.CLIENT_ERROR) {
            return e.getResponse();
        }
        String reason = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase()
                : "Client error";
        String detail = e.getMessage() != null ? e.getMessage() : reason;
        Response.ResponseBuilder builder = Response.fromResponse(
                problemResponse(simple(status, reason.toLowerCase().replace(' ', '-'), reason, detail), uri));
        return builder.build();
    }

    @ServerExceptionMapper
    public Response internal(Throwable e, UriInfo uri) {
        if (DependencyOutage.isOutage(e)) {
            return unavailable(e, uri);
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unhandled error %s on %s", errorId, Printable.of(uri.getPath()));
        return respond(
                simple(
                        500,
                        "internal-error",
                        "Internal error",
                        "The server failed to handle this request; quote error id " + errorId),
                uri);
    }

    /**
     * PostgreSQL or Kafka is away: the request may well succeed later, so the client is told when
     * to try again rather than that the server is broken.
     */
    private Response unavailable(Throwable e, UriInfo uri) {
        LOG.warnf(
                "Request on %s answered 503, a dependency is unavailable: %s",
                Printable.of(uri.getPath()), Printable.of(String.valueOf(rootCause(e))));
        return Response.fromResponse(respond(
                        simple(
                                503,
                                "service-unavailable",
                                "Service unavailable",
                                "A service this request depends on is unavailable; try again later"),
                        uri))
                .header("Retry-After", Long.toString(limits.retryAfter().toSeconds()))
                .build();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private Response unauthorized(UriInfo uri) {
        return Response.fromResponse(
                        respond(simple(401, "unauthorized", "Unauthorized", "A valid bearer token is required"), uri))
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    private static Problem simple(int status, String slug, String title, String detail) {
        return new Problem(Problem.type(slug), title, status, detail, null, null);
    }

    private static Response respond(Problem problem, UriInfo uri) {
        return problemResponse(problem, uri);
    }

    private static Response problemResponse(Problem problem, UriInfo uri) {
        Problem withPath = problem.withInstance(
                uri == null ? null : Printable.of("/" + uri.getPath().replaceFirst("^/", "")));
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(withPath)
                .build();
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? Printable.of(ref.getFieldName()) : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
