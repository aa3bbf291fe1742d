package dev.tenantry.testinfra;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every Tenantry service's OpenAPI document must say, checked on the document as served
 * ({@code /q/openapi?format=json}, parsed into maps and lists):
 *
 * <ul>
 *   <li>one security scheme, {@value #SCHEME}, a bearer JWT, and no operation requiring another;
 *   <li>every secured operation names its roles, in its requirement, in {@code x-roles} and in its
 *       description; an operation with no requirement says in its description it is public;
 *   <li>every operation documents a success (2xx) answer; every 200 and 201 has content, and
 *       every 2xx with content has a schema.
 * </ul>
 */
public final class OpenApiRules {

    /** The security scheme's name in every service (service-support's RolesInOpenApi.SCHEME). */
    public static final String SCHEME = "bearer";

    private static final Map<String, Object> BEARER_JWT =
            Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private OpenApiRules() {}

    /** Fails with every rule the document breaks. */
    public static void check(Map<String, Object> document) {
        List<String> problems = problems(document);
        if (!problems.isEmpty()) {
            throw new AssertionError(
                    "The OpenAPI document breaks " + problems.size() + " rule(s):\n  " + String.join("\n  ", problems));
        }
    }

    /** Every rule the document breaks, one line each; empty if none. */
    public static List<String> problems(Map<String, Object> document) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> schemes = map(map(document.get("components")).get("securitySchemes"));
        if (!schemes.keySet().equals(Set.of(SCHEME))) {
            problems.add("security schemes are " + schemes.keySet() + ", expected only " + SCHEME);
        }
        Map<String, Object> bearer = map(schemes.get(SCHEME));
        BEARER_JWT.forEach((key, value) -> {
            if (!value.equals(bearer.get(key))) {
                problems.add(
                        "security scheme " + SCHEME + " has " + key + "=" + bearer.get(key) + ", expected " + value);
            }
        });
        if (document.get("security") != null) {
            problems.add("a document-wide security requirement hides which routes are public");
        }
        Map<String, Object> paths = map(document.get("paths"));
        if (paths.isEmpty()) {
            problems.add("no paths");
        }
        paths.forEach((path, item) -> map(item).forEach((method, operation) -> {
            if (METHODS.contains(method)) {
                checkOperation(method.toUpperCase() + " " + path, map(operation), problems);
            }
        }));
        return problems;
    }

    /** The values of an enum schema in {@code components.schemas}; empty if there is none. */
    public static List<Object> enumValues(Map<String, Object> document, String schema) {
        Object values = map(map(map(document.get("components")).get("schemas")).get(schema))
                .get("enum");
        return values == null ? List.of() : List.copyOf((Collection<?>) values);
    }

    private static void checkOperation(String name, Map<String, Object> operation, List<String> problems) {
        List<String> roles = new ArrayList<>();
        boolean secured = false;
        for (Object requirement : list(operation.get("security"))) {
            for (Map.Entry<String, Object> entry : map(requirement).entrySet()) {
                secured = true;
                if (!SCHEME.equals(entry.getKey())) {
                    problems.add(name + " requires security scheme " + entry.getKey() + ", not " + SCHEME);
                }
                for (Object role : list(entry.getValue())) {
                    roles.add(String.valueOf(role));
                }
            }
        }
        String description = String.valueOf(operation.getOrDefault("description", ""));
        if (secured) {
            if (roles.isEmpty()) {
                problems.add(name + " is secured but names no role (is @RolesAllowed replaced by a bare requirement?)");
            }
            for (String role : roles) {
                if (!description.contains(role)) {
                    problems.add(name + " needs role " + role + " but its description does not say so");
                }
            }
            if (!roles.equals(list(operation.get("x-roles")))) {
                problems.add(name + " has x-roles " + operation.get("x-roles") + ", expected " + roles);
            }
        } else if (!description.contains("Public")) {
            problems.add(name + " has no security requirement and its description does not say it is public");
        }

        Map<String, Object> responses = map(operation.get("responses"));
        if (responses.keySet().stream().noneMatch(code -> code.startsWith("2"))) {
            problems.add(name + " documents no success answer, only " + responses.keySet());
        }
        responses.forEach((code, response) -> {
            if (!code.startsWith("2")) {
                return;
            }
            Map<String, Object> content = map(map(response).get("content"));
            if (content.isEmpty() && (code.equals("200") || code.equals("201"))) {
                problems.add(name + " answers " + code + " with no content described");
            }
            content.forEach((mediaType, media) -> {
                if (map(media).get("schema") == null) {
                    problems.add(name + " answers " + code + " " + mediaType + " with no schema");
                }
            });
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
