package dev.tenantry.tenantctl.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A service answered with an error status. Tenantry services answer errors with RFC 9457
 * problem+json; the message renders that document for a person.
 */
public class ApiException extends RuntimeException {

    private final Service service;
    private final int status;
    private final JsonNode problem;

    public ApiException(Service service, String method, String path, int status, JsonNode problem, String rawBody) {
        super(render(service, method, path, status, problem, rawBody));
        this.service = service;
        this.status = status;
        this.problem = problem;
    }

    public Service service() {
        return service;
    }

    public int status() {
        return status;
    }

    /** The problem document, or null when the body was not JSON. */
    public JsonNode problem() {
        return problem;
    }

    /** 400 and 422 say the request itself was wrong: for the command line that is a usage error. */
    public boolean isUsageError() {
        return status == 400 || status == 422;
    }

    private static String render(
            Service service, String method, String path, int status, JsonNode problem, String rawBody) {
        StringBuilder text = new StringBuilder();
        text.append(service.moduleName()).append(" answered ").append(status);
        if (problem != null && problem.hasNonNull("title")) {
            text.append(' ').append(problem.get("title").asText());
        }
        text.append(" to ").append(method).append(' ').append(path);
        if (problem != null && problem.hasNonNull("detail")) {
            text.append(": ").append(problem.get("detail").asText());
        } else if (problem == null && rawBody != null && !rawBody.isBlank()) {
            text.append(": ").append(rawBody.length() > 300 ? rawBody.substring(0, 300) + "..." : rawBody.strip());
        }
        if (problem != null && problem.path("errors").isArray()) {
            for (JsonNode error : problem.get("errors")) {
                text.append(System.lineSeparator())
                        .append("  - ")
                        .append(error.path("field").asText("?"))
                        .append(": ")
                        .append(error.path("message").asText(""));
            }
        }
        if (status == 401) {
            text.append(System.lineSeparator())
                    .append(
                            "  Set TENANTRY_TOKEN or --token; for a local stack: export TENANTRY_TOKEN=$(tenantctl token)");
        } else if (status == 403) {
            text.append(System.lineSeparator()).append("  The token lacks the role this operation needs");
        }
        return text.toString();
    }
}
