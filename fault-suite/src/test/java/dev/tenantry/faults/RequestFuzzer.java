package dev.tenantry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Generates hostile but well-formed HTTP requests for a service from its own OpenAPI document: its
 * routes with every path parameter replaced by a generated value (valid ids, slugs, percent-encoded
 * bytes, traversal, huge values), now and then a made-up path or method, random query parameters,
 * tokens that are valid, missing, forged or not bearer tokens at all, random content types and
 * accept headers, and bodies built from the field names the service's schemas declare, filled with
 * hostile values (control characters, 1 MB strings, huge numbers, deep nesting), or not JSON at
 * all. Everything comes from one seeded {@link Random}: a seed repeats a run exactly.
 *
 * <p>Malformed HTTP framing (raw control characters in the request line or a header) is not
 * generated: the HTTP codec refuses it before any Tenantry code runs.
 */
final class RequestFuzzer {

    /** One route of a service: a path template and the methods its document lists. */
    record Route(String template, List<String> methods) {}

    /** One generated request. */
    record FuzzRequest(String method, String target, Map<String, String> headers, byte[] body) {

        String describe() {
            String shownTarget =
                    target.length() > 200 ? target.substring(0, 200) + "…(" + target.length() + ")" : target;
            String shownBody = body == null
                    ? "none"
                    : body.length > 200
                            ? new String(body, 0, 200, StandardCharsets.UTF_8) + "…(" + body.length + " bytes)"
                            : new String(body, StandardCharsets.UTF_8);
            return method + " " + shownTarget + " headers=" + headers.keySet() + " content-type="
                    + headers.get("Content-Type") + " body=" + shownBody.replaceAll("\\p{Cntrl}", "?");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD");
    private static final List<String> ODD_METHODS = List.of("TRACE", "PROPFIND", "FOO", "CONNECT");
    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json",
            "application/json; charset=utf-16",
            "application/problem+json",
            "text/plain",
            "application/xml",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
            "garbage",
            "application/json; charset=nonsense",
            "*/*");
    private static final List<String> ACCEPTS = List.of(
            "application/json",
            "*/*",
            "text/html",
            "application/xml",
            "text/plain",
            "application/problem+json",
            "image/png",
            "garbage;;q=x");
    private static final List<String> QUERY_NAMES = List.of(
            "limit",
            "cursor",
            "status",
            "since",
            "until",
            "slug",
            "tenant",
            "dryRun",
            "deep",
            "service",
            "topic",
            "partition",
            "offset",
            "endpointId",
            "q");

    private final Random random;
    private final String token;
    private final List<String> fieldNames;

    RequestFuzzer(Random random, String token, Set<String> fieldNames) {
        this.random = random;
        this.token = token;
        this.fieldNames = List.copyOf(new TreeSet<>(fieldNames));
    }

    /** The routes and the schemas' property names of a service, from {@code /q/openapi}. */
    static JsonNode openApi(String baseUrl) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/q/openapi?format=json"))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(baseUrl + " serves no OpenAPI document: " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    static List<Route> routes(JsonNode document) {
        List<Route> routes = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> {
            List<String> methods = new ArrayList<>();
            path.getValue().fieldNames().forEachRemaining(m -> methods.add(m.toUpperCase()));
            routes.add(new Route(path.getKey(), methods));
        });
        return routes;
    }

    static Set<String> fieldNames(JsonNode document) {
        Set<String> names = new TreeSet<>();
        collectPropertyNames(document.path("components"), names);
        return names;
    }

    private static void collectPropertyNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.path("properties").fieldNames().forEachRemaining(names::add);
            node.elements().forEachRemaining(child -> collectPropertyNames(child, names));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectPropertyNames(child, names));
        }
    }

    FuzzRequest next(List<Route> routes) {
        Route route = pick(routes);
        String method = chance(0.85) && !route.methods().isEmpty()
                ? pick(route.methods())
                : chance(0.8) ? pick(METHODS) : pick(ODD_METHODS);
        String path = chance(0.9) ? fill(route.template()) : madeUpPath();
        String target = chance(0.3) ? path + "?" + query() : path;
        Map<String, String> headers = new LinkedHashMap<>();
        authorization().ifPresent(value -> headers.put("Authorization", value));
        byte[] body = null;
        boolean sendsBody =
                method.equals("POST") || method.equals("PUT") || method.equals("PATCH") ? chance(0.9) : chance(0.1);
        if (sendsBody) {
            body = body();
            if (chance(0.9)) {
                headers.put("Content-Type", pick(CONTENT_TYPES));
            }
        }
        if (chance(0.5)) {
            headers.put("Accept", pick(ACCEPTS));
        }
        if (chance(0.2)) {
            headers.put("Idempotency-Key", chance(0.5) ? UUID.randomUUID().toString() : text(1 + random.nextInt(3000)));
        }
        if (chance(0.1)) {
            headers.put("X-Fuzz-" + random.nextInt(1000), text(random.nextInt(2000)));
        }
        return new FuzzRequest(method, target, headers, body);
    }

    // ------------------------------------------------------------------ paths

    private String fill(String template) {
        StringBuilder path = new StringBuilder();
        int at = 0;
        while (true) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                path.append(template.substring(at));
                return path.toString();
            }
            int close = template.indexOf('}', open);
            path.append(template, at, open).append(pathValue());
            at = close + 1;
        }
    }

    private String pathValue() {
        return switch (random.nextInt(12)) {
            case 0 -> UUID.randomUUID().toString();
            case 1 -> "t" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            case 2 -> "0";
            case 3 -> "-1";
            case 4 -> "99999999999999999999999";
            case 5 -> "..";
            case 6 -> "%2e%2e%2f%2e%2e";
            case 7 -> percentEncoded(1 + random.nextInt(40));
            case 8 -> "a".repeat(1 + random.nextInt(6000));
            case 9 -> encode("tenant_x'; DROP SCHEMA public CASCADE;--");
            case 10 -> encode("ténant_ñ_\u202e_😀");
            default -> encode(text(1 + random.nextInt(60)));
        };
    }

    private String madeUpPath() {
        StringBuilder path = new StringBuilder();
        int segments = 1 + random.nextInt(6);
        for (int i = 0; i < segments; i++) {
            path.append('/')
                    .append(
                            chance(0.5)
                                    ? pick(List.of(
                                            "tenants",
                                            "admin",
                                            "q",
                                            "webhook-endpoints",
                                            "dead-letters",
                                            "drift",
                                            "..",
                                            ".",
                                            "%2F",
                                            "health"))
                                    : pathValue());
        }
        if (chance(0.1)) {
            path.append("//");
        }
        return path.toString();
    }

    private String query() {
        List<String> parts = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            String name = chance(0.8) ? pick(QUERY_NAMES) : encode(text(1 + random.nextInt(20)));
            String value = switch (random.nextInt(8)) {
                case 0 -> "-1";
                case 1 -> "999999999999999999999";
                case 2 -> "0";
                case 3 -> percentEncoded(1 + random.nextInt(30));
                case 4 -> "2026-13-45T99:99:99Z";
                case 5 -> "ACTIVE";
                case 6 -> "";
                default -> encode(text(random.nextInt(200)));
            };
            parts.add(name + "=" + value);
        }
        return String.join("&", parts);
    }

    // ------------------------------------------------------------------ headers

    private java.util.Optional<String> authorization() {
        return switch (random.nextInt(10)) {
            case 0 -> java.util.Optional.empty();
            case 1 ->
                java.util.Optional.of("Bearer " + text(1 + random.nextInt(300)).replaceAll("[^A-Za-z0-9._-]", "x"));
            case 2 -> java.util.Optional.of("Basic YWRtaW46YWRtaW4=");
            case 3 -> java.util.Optional.of("Bearer " + tampered(token));
            case 4 -> java.util.Optional.of("Bearer");
            default -> java.util.Optional.of("Bearer " + token);
        };
    }

    /** The valid token with one character of its signature changed. */
    private String tampered(String jwt) {
        int at = jwt.length() - 1 - random.nextInt(Math.min(20, jwt.length() - 1));
        char replaced = jwt.charAt(at) == 'A' ? 'B' : 'A';
        return jwt.substring(0, at) + replaced + jwt.substring(at + 1);
    }

    // ------------------------------------------------------------------ bodies

    private byte[] body() {
        return switch (random.nextInt(10)) {
            case 0 -> new byte[0];
            case 1 -> randomBytes(1 + random.nextInt(4000));
            case 2 -> "[".repeat(5_000 + random.nextInt(20_000)).getBytes(StandardCharsets.UTF_8);
            case 3 -> truncated(jsonObject(3)).getBytes(StandardCharsets.UTF_8);
            case 4 -> ("{\"" + pickField() + "\":\"" + "x".repeat(1_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            default -> jsonObject(3).getBytes(StandardCharsets.UTF_8);
        };
    }

    private String jsonObject(int depth) {
        StringBuilder json = new StringBuilder("{");
        int fields = random.nextInt(6);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(quoted(chance(0.85) ? pickField() : text(1 + random.nextInt(20))))
                    .append(':')
                    .append(jsonValue(depth - 1));
        }
        if (chance(0.05) && fields > 0) {
            json.append(",\"").append(pickField()).append("\":null"); // a duplicate key, sometimes
        }
        return json.append('}').toString();
    }

    private String jsonValue(int depth) {
        List<Supplier<String>> kinds = List.of(
                () -> quoted(text(random.nextInt(80))),
                () -> quoted("t" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36)),
                () -> quoted(UUID.randomUUID().toString()),
                () -> "\"\\u0000nul\\u0007bell\\u001b[31m\"",
                () -> quoted("x".repeat(random.nextInt(20_000))),
                () -> Long.toString(random.nextLong()),
                () -> "1e400",
                () -> "-0.0000001",
                () -> "true",
                () -> "null",
                () -> quoted(pick(List.of(
                        "https://example.invalid/hook",
                        "http://169.254.169.254/latest",
                        "ftp://x",
                        "javascript:alert(1)",
                        "https://[::1]/",
                        "https://user:pass@example.invalid/"))),
                () -> quoted(pick(List.of(
                        "ACTIVE",
                        "tenant-admin",
                        "operator",
                        "viewer",
                        "free",
                        "enterprise",
                        "tenant.created",
                        "*",
                        "tenant.*"))),
                () -> depth <= 0 ? "[]" : "[" + jsonValue(depth - 1) + "," + jsonValue(depth - 1) + "]",
                () -> depth <= 0 ? "{}" : jsonObject(depth - 1));
        return kinds.get(random.nextInt(kinds.size())).get();
    }

    private String truncated(String json) {
        return json.length() <= 1 ? "{" : json.substring(0, 1 + random.nextInt(json.length() - 1));
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------ text

    /** Printable and unprintable characters alike, ASCII and beyond. */
    private String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.append(
                    kind < 6
                            ? (char) (0x20 + random.nextInt(0x5f))
                            : kind < 8 ? (char) random.nextInt(0x20) : (char) (0xa0 + random.nextInt(0x2000)));
        }
        return text.toString();
    }

    private String percentEncoded(int bytes) {
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            encoded.append(String.format("%%%02X", random.nextInt(256)));
        }
        return encoded.toString();
    }

    private static String encode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 0x80 || c == '_' || c == '-' || c == '.') {
                encoded.append((char) c);
            } else {
                encoded.append(String.format("%%%02X", c));
            }
        }
        return encoded.toString();
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String pickField() {
        return fieldNames.isEmpty() ? "slug" : pick(fieldNames);
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private boolean chance(double probability) {
        return random.nextDouble() < probability;
    }
}
