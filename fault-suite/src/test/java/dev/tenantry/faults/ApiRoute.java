package dev.tenantry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operation a service documents in its OpenAPI document ({@code /q/openapi}), with what the
 * document says about its security, and who may use it.
 *
 * @param documentedRoles the scopes of its security requirements (the roles, where the document names them)
 * @param secured         whether the document requires any security scheme for it
 * @param queryParameters names of its documented query parameters
 * @param headerParameters names of its documented header parameters
 */
record ApiRoute(
        String service,
        String baseUrl,
        String method,
        String path,
        boolean secured,
        Set<String> documentedRoles,
        boolean hasBody,
        List<String> queryParameters,
        List<String> headerParameters) {

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    /** Every operation of one service's OpenAPI document. */
    static List<ApiRoute> of(String service, String baseUrl, JsonNode document) {
        List<ApiRoute> routes = new ArrayList<>();
        JsonNode globalSecurity = document.path("security");
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                JsonNode operation = path.getValue().path(method);
                if (operation.isMissingNode()) {
                    continue;
                }
                JsonNode security = operation.has("security") ? operation.get("security") : globalSecurity;
                Set<String> roles = new LinkedHashSet<>();
                boolean secured = false;
                for (JsonNode requirement : security) {
                    for (JsonNode scopes : requirement) {
                        secured = true;
                        scopes.forEach(scope -> roles.add(scope.asText()));
                    }
                }
                List<String> query = new ArrayList<>();
                List<String> headers = new ArrayList<>();
                for (JsonNode parameter : operation.path("parameters")) {
                    String in = parameter.path("in").asText();
                    if (in.equals("query")) {
                        query.add(parameter.path("name").asText());
                    } else if (in.equals("header")) {
                        headers.add(parameter.path("name").asText());
                    }
                }
                routes.add(new ApiRoute(
                        service,
                        baseUrl,
                        method.toUpperCase(Locale.ROOT),
                        path.getKey(),
                        secured,
                        Set.copyOf(roles),
                        operation.has("requestBody"),
                        List.copyOf(query),
                        List.copyOf(headers)));
            }
        }
        return routes;
    }

    /**
     * The roles that may use this route, as the platform's roles say (service-support's
     * {@code Roles}): operators the admin and operations routes, tenant admins the tenant
     * mutations, tenant admins and operators the webhook endpoints, operators recovery and
     * redelivery, and every role reads. Empty for a route no rule covers: someone has to decide.
     */
    Optional<Set<String>> expectedRoles() {
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            return Optional.of(Set.of(TokenForge.OPERATOR));
        }
        if (method.equals("GET")) {
            return Optional.of(Set.copyOf(TokenForge.ROLES));
        }
        if (path.equals("/tenants") || path.startsWith("/tenants/")) {
            return Optional.of(Set.of(TokenForge.TENANT_ADMIN));
        }
        if (path.matches("/webhook-endpoints/\\{[^}]+}/recover")
                || path.matches("/webhook-deliveries/\\{[^}]+}/redeliver")) {
            return Optional.of(Set.of(TokenForge.OPERATOR));
        }
        if (path.equals("/webhook-endpoints") || path.startsWith("/webhook-endpoints/")) {
            return Optional.of(Set.of(TokenForge.TENANT_ADMIN, TokenForge.OPERATOR));
        }
        return Optional.empty();
    }

    boolean reads() {
        return method.equals("GET");
    }

    List<String> pathParameters() {
        List<String> names = new ArrayList<>();
        Matcher matcher = PARAMETER.matcher(path);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The route's URL with each path parameter's value percent-encoded into its segment. */
    String url(Function<String, String> values) {
        Matcher matcher = PARAMETER.matcher(path);
        StringBuilder url = new StringBuilder(baseUrl);
        int end = 0;
        while (matcher.find()) {
            url.append(path, end, matcher.start()).append(encodeSegment(values.apply(matcher.group(1))));
            end = matcher.end();
        }
        return url.append(path.substring(end)).toString();
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters, as UTF-8. */
    static String encodeSegment(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    String label() {
        return method + " " + service + " " + path;
    }
}
