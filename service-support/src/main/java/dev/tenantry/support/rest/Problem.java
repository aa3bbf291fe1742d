package dev.tenantry.support.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem document. Every error a Tenantry service returns over HTTP has this shape,
 * served as {@code application/problem+json}.
 *
 * @param type     a URI naming the kind of problem; {@code about:blank} when the status says it all
 * @param title    a short summary that is the same for every occurrence of this type
 * @param status   the HTTP status code
 * @param detail   what went wrong this time, in words a client developer can act on
 * @param instance the request path the problem occurred on
 * @param errors   field-level violations, when the request body was invalid
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://tenantry.dev/problems/";

    /** One invalid field of a request: its JSON path and why it was refused. */
    public record FieldError(String field, String message) {}

    public static URI type(String slug) {
        return URI.create(TYPE_BASE + slug);
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors);
    }
}
