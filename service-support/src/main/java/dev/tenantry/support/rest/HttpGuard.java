package dev.tenantry.support.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The HTTP layer's share of "every error is problem+json": what Vert.x and Quarkus refuse before
 * a JAX-RS resource is chosen (an unparsable request target, an oversized body, a route that does
 * not exist) leaves as a problem document too, and hostile requests are refused here, once for
 * every route of every service:
 * <ul>
 * <li>a request target that is not a valid URI ({@code {}} or {@code |} unescaped, a malformed
 * escape such as {@code %zz}): 400, also when one of Quarkus's own earlier routes fails on it. Quarkus
 * answers unescaped characters itself with an empty 400 unless started with {@code -Dvertx.disableURIValidation=true},
 * which every Tenantry service is, so that this check is the one that answers;</li>
 * <li>an encoded percent sign ({@code %25}) in the path: 400. No id contains one, and the path is
 * decoded twice before it reaches a resource, so it could hide a control character;</li>
 * <li>a percent-encoded control character ({@code %00} ... {@code %1F}, {@code %7F}) in the path or
 * query: 400. No id or parameter contains one; PostgreSQL refuses NUL in text, logs must not
 * carry them;</li>
 * <li>a target longer than {@link HttpLimits#maxUriLength()}: 414; headers larger than
 * {@link HttpLimits#maxHeaderBytes()}: 431; a Content-Length above
 * {@link HttpLimits#maxBodyBytes()}, or a body sent without a length that grows beyond it: 413.</li>
 * </ul>
 * Errors JAX-RS resources raise are {@link ProblemMapper}'s.
 */
@Singleton
public class HttpGuard {

    private static final Logger LOG = Logger.getLogger(HttpGuard.class);
    /** Before Quarkus's own body-size check (order -2) and every application route. */
    private static final int SCREEN_ORDER = -100;

    private static final Pattern ENCODED_CONTROL = Pattern.compile("%(?:[01][0-9A-Fa-f]|7[Ff])");
    private static final String ENCODED_PERCENT = "%25";

    private final HttpLimits limits;
    private final ObjectMapper json;
    /**
     * Reads a body sent without a length (chunked) up to the limit before a resource does: past it,
     * the route fails with 413 and {@link #failed} answers. Left to the resource, Quarkus would cut
     * it at its own hard stop with an empty 413.
     */
    private final BodyHandler unsizedBodies;

    public HttpGuard(HttpLimits limits, ObjectMapper json) {
        this.limits = limits;
        this.json = json;
        this.unsizedBodies = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());
    }

    void install(@Observes Router router) {
        router.route().order(SCREEN_ORDER).handler(this::screen);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        router.errorHandler(404, this::notFound);
    }

    private void screen(RoutingContext context) {
        HttpServerRequest request = context.request();
        String target = request.uri();
        if (target.length() > limits.maxUriLength()) {
            refuse(
                    context,
                    414,
                    "uri-too-long",
                    "URI too long",
                    "The request target has " + target.length() + " characters; at most " + limits.maxUriLength()
                            + " are accepted");
            return;
        }
        if (!isUri(target)) {
            refuseInvalidTarget(context);
            return;
        }
        if (ENCODED_CONTROL.matcher(target).find()) {
            refuse(
                    context,
                    400,
                    "invalid-request",
                    "Invalid request",
                    "The path or query carries a control character (such as %00); no id or parameter contains one");
            return;
        }
        if (pathOf(target).contains(ENCODED_PERCENT)) {
            // Vert.x decodes the path once to normalise it and the REST layer again for its
            // parameters: %25%300 would reach a resource as NUL, %25zz as a malformed escape.
            refuse(
                    context,
                    400,
                    "invalid-request",
                    "Invalid request",
                    "The path carries an encoded percent sign (%25); no id contains one");
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > limits.maxHeaderBytes()) {
            refuse(
                    context,
                    431,
                    "headers-too-large",
                    "Request header fields too large",
                    "The request headers have " + headerBytes + " bytes; at most " + limits.maxHeaderBytes()
                            + " are accepted");
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            unsizedBodies.handle(context);
            return;
        }
        if (length != null) {
            long bytes;
            try {
                bytes = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                refuse(context, 400, "invalid-request", "Invalid request", "Content-Length is not a number");
                return;
            }
            if (bytes > limits.maxBodyBytes()) {
                refuse(
                        context,
                        413,
                        "payload-too-large",
                        "Payload too large",
                        "The request body has " + bytes + " bytes; at most " + limits.maxBodyBytes() + " are accepted");
                return;
            }
        }
        context.next();
    }

    private void failed(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (response.headWritten() || response.ended()) {
            context.next();
            return;
        }
        Throwable failure = context.failure();
        int status = context.statusCode();
        if (failure instanceof ProblemException problem) {
            write(context, problem.problem());
            return;
        }
        if (!isUri(context.request().uri())) {
            // Quarkus's own routes that run before the screen (the REST layer's path-template
            // observer) decode the path and fail on a malformed escape such as %zz.
            refuseInvalidTarget(context);
            return;
        }
        if (failure instanceof HttpException http) {
            status = http.getStatusCode();
        }
        if (failure instanceof UnauthorizedException || failure instanceof AuthenticationFailedException) {
            response.putHeader("WWW-Authenticate", "Bearer");
            refuse(context, 401, "unauthorized", "Unauthorized", "A valid bearer token is required");
            return;
        }
        if (failure instanceof ForbiddenException) {
            refuse(
                    context,
                    403,
                    "forbidden",
                    "Forbidden",
                    "Your token does not carry a role that may use this operation");
            return;
        }
        if (status == 413) {
            refuse(
                    context,
                    413,
                    "payload-too-large",
                    "Payload too large",
                    "The request body is larger than the " + limits.maxBodyBytes() + " bytes accepted");
            return;
        }
        if (status >= 400 && status < 500) {
            String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
            refuse(context, status, reason.toLowerCase().replace(' ', '-'), reason, reason);
            return;
        }
        if (failure != null && DependencyOutage.isOutage(failure)) {
            response.putHeader("Retry-After", Long.toString(limits.retryAfter().toSeconds()));
            refuse(
                    context,
                    503,
                    "service-unavailable",
                    "Service unavailable",
                    "A service this request depends on is unavailable; try again later");
            return;
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(
                failure,
                "Unhandled error %s on %s",
                errorId,
                Printable.of(context.request().path()));
        refuse(
                context,
                500,
                "internal-error",
                "Internal error",
                "The server failed to handle this request; quote error id " + errorId);
    }

    private void refuseInvalidTarget(RoutingContext context) {
        refuse(
                context,
                400,
                "invalid-request",
                "Invalid request",
                "The request target is not a valid URI: "
                        + "characters such as { } | \\ ^ ` \" < > and spaces must be percent-encoded, and % must start "
                        + "an escape of two hex digits");
    }

    private void notFound(RoutingContext context) {
        refuse(
                context,
                404,
                "not-found",
                "Not found",
                "No route " + context.request().method() + " "
                        + Printable.of(context.request().path()));
    }

    private void refuse(RoutingContext context, int status, String slug, String title, String detail) {
        write(context, new Problem(Problem.type(slug), title, status, detail, null, null));
    }

    private void write(RoutingContext context, Problem problem) {
        HttpServerResponse response = context.response();
        String body;
        try {
            body = json.writeValueAsString(
                    problem.withInstance(Printable.of(context.request().path())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem document could not be written", e);
        }
        if (problem.status() == 413 || problem.status() == 431 || problem.status() == 414) {
            // The rest of the request was not read: the connection cannot carry another one.
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }

    private static String pathOf(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    private static boolean isUri(String target) {
        try {
            new URI(target);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
