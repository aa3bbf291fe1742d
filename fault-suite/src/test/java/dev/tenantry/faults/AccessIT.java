package dev.tenantry.faults;

import static dev.tenantry.faults.TokenForge.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.faults.RecordedHttp.Exchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11, access: the whole system attacked through its APIs. Every route the three services
 * document in their OpenAPI documents (so a new route is covered without a change here) is asked
 * for without a token, with a malformed one, an expired one, one signed with another key or with
 * the repository's published development key, one with {@code alg: none}, one signed HS256 with
 * the stack's public key as the HMAC secret, one from another issuer and one whose claims were
 * changed after signing (each carrying every role), and with valid tokens carrying each wrong role.
 * The requests are ones that would do harm if let through: they name a real tenant, a real
 * webhook endpoint and delivery, and carry bodies that would create, change or replay. Tenant
 * slugs with SQL or path syntax are sent with a valid token, in bodies and in paths.
 *
 * <p>Expected: 401 or 403 problem+json for every one of them, and nothing behind (no row in any
 * table of the shared schema, no schema, no record on any topic, no delivery); each allowed role
 * let through on each route, so the refusals are not vacuous; no secret (the stack's signing key,
 * tokens, the webhook secret encryption key, endpoint secrets, the control token, the database
 * password) in any log line or in any answer but the one that issued it; and no broken invariant.
 * Runs only with {@code -Pfaults}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessIT {

    private static final String SCENARIO = "access";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEAD_LETTER_TOPIC = "tenant-lifecycle.webhook-dispatcher.dlq";
    private static final Duration PATIENCE = Duration.ofMinutes(5);
    private static final String VICTIM_SLUG = "access_victim";
    private static final List<String> HOSTILE_SLUGS = List.of(
            "a'; drop schema public cascade;--",
            "x'); DELETE FROM tenant; --",
            "acme\"; DROP TABLE tenant; --",
            "tenant_x\"",
            "acme' OR '1'='1",
            "../x",
            "a/b",
            "..",
            "./acme",
            "acme%2F..",
            "acme\\x",
            "\u0430cme_corp", // Cyrillic a
            "acme_corp\u200b", // zero-width space
            "\uff41\uff43\uff4d\uff45", // fullwidth letters
            "acm\u00e9_corp",
            "ACME_CORP",
            "acme\u0000corp",
            "a".repeat(200),
            "",
            " ",
            "public",
            "pg_catalog",
            "information_schema",
            "tenantry_spare_x",
            "deleted_acme");

    private RunningSystem system;
    private RecordedHttp http;
    private TokenForge tokens;
    private DataSource database;
    private Instant since;
    private String victimTenantId;
    private String demoEndpointId;
    private String deliveryId;
    private final Map<String, String> services = new LinkedHashMap<>();
    private final List<ApiRoute> routes = new ArrayList<>();
    private final Map<List<String>, String> roleTokens = new LinkedHashMap<>();
    private int forgeryKinds;
    private final List<Attempt> forged = new ArrayList<>();
    private final List<Attempt> wrongRoles = new ArrayList<>();
    private final List<Attempt> slugs = new ArrayList<>();
    private SystemFootprint before;
    private SystemFootprint after;

    /** One hostile request and its answer. */
    record Attempt(String request, String credential, Exchange answer) {

        String describe() {
            return request + " with " + credential + ": " + answer.status()
                    + (answer.isProblem() ? "" : " (not problem+json: '" + answer.contentType() + "')");
        }
    }

    @BeforeAll
    void attack() throws Exception {
        system = RunningSystem.start("fault-stack-" + SCENARIO);
        since = Instant.now();
        http = new RecordedHttp();
        database = system.dataSource();
        Path home = system.home();
        // Where the local stack keeps its key pair (StackFiles), and the repository's development key.
        tokens = new TokenForge(
                home.resolve("jwt/private.pem"),
                home.resolve("jwt/public.pem"),
                repository().resolve("test-infrastructure/src/main/resources/tenantry-dev-keys/private.pem"));
        services.put("provisioning-service", system.provisioningUrl());
        services.put("migration-worker", system.workerUrl());
        services.put("webhook-dispatcher", system.dispatcherUrl());

        prepareVictims(bearer(system.token()));
        for (Map.Entry<String, String> service : services.entrySet()) {
            Exchange document = http.send("GET", service.getValue() + "/q/openapi?format=json", null, null);
            if (document.status() != 200) {
                throw new IllegalStateException(
                        service.getKey() + " serves no OpenAPI document: " + document.describe());
            }
            routes.addAll(ApiRoute.of(service.getKey(), service.getValue(), document.json()));
        }
        Path receiverLog = system.logs().resolve("receiver.jsonl");
        before = SystemFootprint.awaitQuiet(database, system.kafkaBootstrap(), receiverLog, PATIENCE);

        Instant attackStarted = Instant.now();
        sendForgedTokens();
        sendWrongRoles();
        sendHostileSlugs();
        try {
            after = SystemFootprint.awaitQuiet(database, system.kafkaBootstrap(), receiverLog, PATIENCE);
        } catch (ConditionTimeoutException stillWriting) {
            after = SystemFootprint.take(database, system.kafkaBootstrap(), receiverLog);
        }
        System.out.printf(
                "[fault-suite] %s: %d routes (%s), %d hostile requests in %d s%n",
                SCENARIO,
                routes.size(),
                routes.stream().collect(Collectors.groupingBy(ApiRoute::service, TreeMap::new, Collectors.counting())),
                hostileRequests(),
                Duration.between(attackStarted, Instant.now()).toSeconds());
        System.out.printf(
                "[fault-suite] %s: answers by status: missing or forged tokens %s, wrong roles %s, "
                        + "hostile slugs %s%n",
                SCENARIO, statuses(forged), statuses(wrongRoles), statuses(slugs));
    }

    @AfterAll
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void everyRouteRefusesRequestsWithoutAValidTokenWith401() {
        assertThat(routes.stream().map(ApiRoute::service).distinct())
                .as("services with documented routes")
                .containsExactlyInAnyOrderElementsOf(services.keySet());
        assertThat(forged).hasSize(routes.size() * forgeryKinds);
        List<String> unsecured = routes.stream()
                .filter(r -> !r.secured())
                .map(r -> r.label() + " is documented without a security requirement")
                .toList();
        List<String> accepted = forged.stream()
                .filter(a -> a.answer().status() != 401 || !a.answer().isProblem())
                .map(Attempt::describe)
                .toList();
        assertThat(accepted)
                .as(
                        "of %d requests without a valid token, these were not refused with 401 problem+json; "
                                + "stack logs in %s",
                        forged.size(), system.logs())
                .isEmpty();
        assertThat(unsecured).isEmpty();
    }

    @Test
    @Order(2)
    void everyRouteRefusesTokensWithoutARoleAllowedToUseItWith403() {
        List<String> undecided = routes.stream()
                .filter(r -> r.expectedRoles().isEmpty())
                .map(r -> r.label() + ": no rule says who may use it (ApiRoute.expectedRoles)")
                .toList();
        List<String> misdocumented = routes.stream()
                .filter(r -> !r.documentedRoles().isEmpty()
                        && r.expectedRoles().isPresent()
                        && !r.documentedRoles().equals(r.expectedRoles().get()))
                .map(r -> r.label() + " is documented for " + r.documentedRoles() + ", expected "
                        + r.expectedRoles().get())
                .toList();
        List<String> accepted = wrongRoles.stream()
                .filter(a -> a.answer().status() != 403 || !a.answer().isProblem())
                .map(Attempt::describe)
                .toList();
        assertThat(wrongRoles).isNotEmpty();
        assertThat(accepted)
                .as(
                        "of %d requests with a valid token but no role the route allows, these were not "
                                + "refused with 403 problem+json; stack logs in %s",
                        wrongRoles.size(), system.logs())
                .isEmpty();
        assertThat(undecided).isEmpty();
        assertThat(misdocumented).isEmpty();
    }

    @Test
    @Order(3)
    void slugsWithSqlOrPathSyntaxAreRefusedAndNoTenantNorSchemaIsMadeOfThem() throws Exception {
        List<String> accepted = slugs.stream()
                .filter(a -> a.answer().status() < 400
                        || a.answer().status() >= 500
                        || !a.answer().isProblem())
                .map(Attempt::describe)
                .toList();
        assertThat(slugs).isNotEmpty();
        assertThat(accepted)
                .as("of %d requests with a hostile slug, these were not refused with a 4xx problem+json", slugs.size())
                .isEmpty();
        List<String> registered = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT slug FROM tenant WHERE slug = ANY (?)")) {
            Array wanted = connection.createArrayOf(
                    "text",
                    HOSTILE_SLUGS.stream().map(s -> s.replace("\u0000", "")).toArray());
            query.setArray(1, wanted);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    registered.add(printable(rows.getString(1)));
                }
            }
        }
        assertThat(registered).as("hostile slugs in the registry").isEmpty();
        assertThat(after.schemas())
                .as("schemas after the hostile slugs")
                .contains("public")
                .containsExactlyInAnyOrderElementsOf(before.schemas());
    }

    @Test
    @Order(4)
    void refusedRequestsLeaveNoRowSchemaRecordOrDeliveryBehind() {
        assertThat(after.changesSince(before))
                .as(
                        "what %d refused requests changed (tables of the shared schema, "
                                + "schemas, topic end offsets, the demo receiver's log)",
                        hostileRequests())
                .isEmpty();
    }

    @Test
    @Order(5)
    void everyAllowedRoleIsLetThroughSoTheRefusalsMeanSomething() throws Exception {
        List<String> refused = new ArrayList<>();
        int controls = 0;
        for (ApiRoute route : routes) {
            for (String role : route.expectedRoles().orElse(Set.of())) {
                controls++;
                Exchange answer = sendHarmless(route, bearer(roleToken(List.of(role))));
                int status = answer.status();
                if (status == 401 || status == 403 || status == 405 || answer.isUnknownRoute()) {
                    refused.add(route.label() + " with a valid token with role " + role + ": " + status);
                }
            }
        }
        assertThat(controls).as("positive controls").isGreaterThanOrEqualTo(routes.size());
        assertThat(refused)
                .as("requests with a role the route allows that did not reach the operation")
                .isEmpty();
    }

    @Test
    @Order(6)
    void noSecretAppearsInAnyLogLineOrInAnyAnswerButTheOneThatIssuedIt() throws Exception {
        String admin = bearer(roleToken(List.of(TokenForge.TENANT_ADMIN)));
        String endpoints = system.dispatcherUrl() + "/webhook-endpoints";
        Exchange created = http.send(
                "POST",
                endpoints,
                admin,
                json(Map.of("url", system.receiverUrl(), "description", "AccessIT secret check")));
        assertThat(created.status()).as(created.describe()).isEqualTo(201);
        String endpoint = endpoints + "/" + created.json().path("id").asText();
        Exchange rotated = http.send("POST", endpoint + "/rotate-secret", admin, null);
        assertThat(rotated.status()).as(rotated.describe()).isEqualTo(200);
        for (Exchange use : List.of(
                http.send("POST", endpoint + "/ping", admin, null),
                http.send("GET", endpoint, admin, null),
                http.send("GET", endpoints + "?limit=500", admin, null),
                http.send("DELETE", endpoint, admin, null))) {
            assertThat(use.status()).as(use.describe()).isIn(200, 204);
        }

        Path home = system.home();
        String issuedOnCreation = "an endpoint secret issued on creation";
        String issuedOnRotation = "an endpoint secret issued on rotation";
        SecretScan scan = new SecretScan()
                .privateKeyPem(
                        "the stack's JWT private key",
                        read(home.resolve("jwt/private.pem")),
                        read(home.resolve("jwt/public.pem")))
                .token("the stack's token", system.token())
                .base64Key("the webhook secret encryption key", read(home.resolve("data/webhook-secret-key")))
                .literal(
                        "the demo receiver's endpoint secret",
                        endpointSecret(read(home.resolve("data/demo-receiver-secret"))))
                .literal(
                        issuedOnCreation,
                        endpointSecret(created.json().path("secret").asText()))
                .literal(
                        issuedOnRotation,
                        endpointSecret(rotated.json().path("secret").asText()))
                .literal("the stack's control-channel token", List.of(read(home.resolve("control-token"))))
                .pattern(
                        "the database password",
                        Pattern.compile("(?i)(password|passwd|pwd)[\"'\\s:=]{1,4}" + Pattern.quote(system.dbPassword())
                                + "\\b"));
        List<String> validTokens = tokens.validTokens();
        for (int i = 0; i < validTokens.size(); i++) {
            scan.token("valid token " + (i + 1) + " signed for this test", validTokens.get(i));
        }
        // The scan must be able to find what it looks for: the creation's answer carries its secret.
        assertThat(scan.scan("the creation's answer", created.body(), Set.of()))
                .as("self-check")
                .contains(issuedOnCreation + " in the creation's answer");

        List<Path> logFiles;
        try (var files = Files.walk(system.logs())) {
            logFiles = files.filter(Files::isRegularFile).toList();
        }
        assertThat(logFiles.stream().map(f -> f.getFileName().toString()))
                .as("log files")
                .contains("provisioning-service.log", "migration-worker.log", "webhook-dispatcher.log");
        List<String> hits = new ArrayList<>();
        for (Path file : logFiles) {
            hits.addAll(scan.scanFile(file));
        }
        hits.addAll(scan.scan("the stack's console", consoleWithoutTheBannerToken(), Set.of()));
        List<Exchange> answers = http.exchanges();
        for (Exchange answer : answers) {
            Set<String> issued = answer == created
                    ? Set.of(issuedOnCreation)
                    : answer == rotated ? Set.of(issuedOnRotation) : Set.of();
            hits.addAll(scan.scan(
                    "the answer to " + answer.method() + " " + answer.url(),
                    answer.headers() + "\n" + answer.body(),
                    issued));
        }
        assertThat(hits)
                .as(
                        "%d secrets searched in %d log files, the console and %d answers",
                        scan.names().size(), logFiles.size(), answers.size())
                .isEmpty();
    }

    @Test
    @Order(7)
    void noInvariantBreaks() throws Exception {
        // The victim is ACTIVE since the start (unless a hostile request was let through): what is
        // left to wait for is the outbox, the deliveries of the ping and what the checker sees.
        Settling settling = new Settling(database);
        settling.awaitOutboxAndWebhooksSettled(PATIENCE);
        InvariantChecker checker = new InvariantChecker(database, system.kafkaBootstrap());
        settling.awaitCaughtUp(() -> checker.check(since), PATIENCE);
        InvariantReport report = checker.check(since);
        ScenarioSummary summary = new ScenarioSummary(
                SCENARIO,
                "forged, expired, wrong-issuer, wrong-role and missing tokens; hostile slugs",
                hostileRequests(),
                1,
                report.violations().size(),
                report.deadLetters(),
                -1,
                0);
        System.out.println(summary.line());
        System.out.println("[fault-suite] summary in " + summary.write());
        assertThat(report.violations()).as(report.describe()).isEmpty();
    }

    /**
     * A tenant, a webhook endpoint (the stack's demo receiver) and a delivery for hostile requests
     * to name: let through, they would change something real.
     */
    private void prepareVictims(String admin) throws Exception {
        Exchange created = http.send(
                "POST",
                system.provisioningUrl() + "/tenants",
                admin,
                json(Map.of("slug", VICTIM_SLUG, "displayName", "Access victim")));
        if (created.status() != 202) {
            throw new IllegalStateException("the victim tenant was not accepted: " + created.describe());
        }
        victimTenantId = created.json().path("id").asText();
        Settling settling = new Settling(database);
        settling.awaitTenantsFinal(PATIENCE);
        settling.awaitOutboxAndWebhooksSettled(PATIENCE);
        Exchange victim = http.send("GET", system.provisioningUrl() + "/tenants/" + victimTenantId, admin, null);
        if (!victim.json().path("status").asText().equals("ACTIVE")) {
            throw new IllegalStateException("the victim tenant did not become ACTIVE: " + victim.body());
        }
        JsonNode endpoints = http.send("GET", system.dispatcherUrl() + "/webhook-endpoints?limit=500", admin, null)
                .json();
        for (JsonNode endpoint : endpoints.path("items")) {
            if (endpoint.path("url").asText().equals(system.receiverUrl())) {
                demoEndpointId = endpoint.path("id").asText();
            }
        }
        JsonNode deliveries = http.send("GET", system.dispatcherUrl() + "/webhook-deliveries?limit=1", admin, null)
                .json();
        deliveryId = deliveries.path("items").path(0).path("id").asText();
        if (demoEndpointId == null || deliveryId.isEmpty()) {
            throw new IllegalStateException("no demo endpoint or delivery to aim at: " + endpoints + " " + deliveries);
        }
    }

    private void sendForgedTokens() throws Exception {
        Map<String, String> forgeries = tokens.forgeries();
        forgeryKinds = forgeries.size();
        for (ApiRoute route : routes) {
            for (Map.Entry<String, String> forgery : forgeries.entrySet()) {
                forged.add(new Attempt(route.label(), forgery.getKey(), sendHarmful(route, forgery.getValue())));
            }
        }
    }

    private void sendWrongRoles() throws Exception {
        for (ApiRoute route : routes) {
            Optional<Set<String>> allowed = route.expectedRoles();
            if (allowed.isEmpty()) {
                continue;
            }
            for (List<String> roles : wrongRoles(allowed.get())) {
                wrongRoles.add(new Attempt(
                        route.label(),
                        "a valid token with roles " + roles,
                        sendHarmful(route, bearer(roleToken(roles)))));
            }
        }
    }

    /**
     * Each known role the route does not allow, alone and together; no role; unknown roles; and
     * the allowed roles spelt in capitals (role names are exact).
     */
    private static List<List<String>> wrongRoles(Set<String> allowed) {
        Set<List<String>> sets = new LinkedHashSet<>();
        List<String> others =
                TokenForge.ROLES.stream().filter(r -> !allowed.contains(r)).toList();
        others.forEach(role -> sets.add(List.of(role)));
        if (others.size() > 1) {
            sets.add(others);
        }
        sets.add(List.of());
        sets.add(List.of("admin", "root", "tenant_admin"));
        sets.add(allowed.stream().sorted().map(r -> r.toUpperCase(Locale.ROOT)).toList());
        return List.copyOf(sets);
    }

    private void sendHostileSlugs() throws Exception {
        String admin = bearer(roleToken(List.of(TokenForge.TENANT_ADMIN)));
        for (String slug : HOSTILE_SLUGS) {
            slugs.add(new Attempt(
                    "POST provisioning-service /tenants with slug " + printable(slug),
                    "a tenant-admin token",
                    http.send(
                            "POST",
                            system.provisioningUrl() + "/tenants",
                            admin,
                            json(Map.of("slug", slug, "displayName", "Hostile")))));
        }
        for (ApiRoute route : routes) {
            Optional<String> slugParameter = route.pathParameters().stream()
                    .filter(p -> p.toLowerCase(Locale.ROOT).contains("slug"))
                    .findFirst();
            if (slugParameter.isEmpty()) {
                continue;
            }
            String token = bearer(roleToken(List.copyOf(route.expectedRoles().orElse(Set.copyOf(TokenForge.ROLES)))));
            String body = route.hasBody() ? "{}" : null;
            for (String slug : HOSTILE_SLUGS) {
                if (slug.isEmpty()) {
                    continue;
                }
                String encoded = route.url(p -> p.equals(slugParameter.get()) ? slug : harmfulValue(route, p));
                slugs.add(new Attempt(
                        route.label() + " with slug " + printable(slug) + " encoded",
                        "a valid token",
                        http.send(route.method(), encoded, token, body)));
                // Path syntax as is, where it still makes a URI: the server normalises it, not this test.
                String raw = route.baseUrl()
                        + route.path()
                                .replace("{" + slugParameter.get() + "}", slug)
                                .replaceAll("\\{[^}]+}", victimTenantId);
                if (slug.matches(".*[/.].*") && parses(raw)) {
                    slugs.add(new Attempt(
                            route.label() + " with slug " + printable(slug) + " unencoded",
                            "a valid token",
                            http.send(route.method(), raw, token, body)));
                }
            }
        }
    }

    /** A request that would do harm if let through: real ids, bodies that create, change or replay. */
    private Exchange sendHarmful(ApiRoute route, String authorization) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        route.headerParameters().forEach(h -> headers.put(h, "access-" + UUID.randomUUID()));
        String url = route.url(p -> harmfulValue(route, p)) + query(route);
        return http.send(route.method(), url, authorization, headers, route.hasBody() ? harmfulBody(route) : null);
    }

    /**
     * A request that changes nothing although it is let through: reads name real things, changes
     * name things that do not exist or carry an empty body.
     */
    private Exchange sendHarmless(ApiRoute route, String authorization) throws Exception {
        if (route.reads()) {
            return http.send(
                    route.method(), route.url(p -> harmfulValue(route, p)) + query(route), authorization, null);
        }
        String url = route.url(p -> switch (p) {
                    case "topic" -> DEAD_LETTER_TOPIC;
                    case "partition" -> "0";
                    case "offset" -> "987654321";
                    default -> UUID.randomUUID().toString();
                })
                + query(route);
        return http.send(route.method(), url, authorization, route.hasBody() ? "{}" : null);
    }

    private String harmfulValue(ApiRoute route, String parameter) {
        return switch (parameter) {
            case "idOrSlug", "tenantId" -> victimTenantId;
            case "id" ->
                route.path().startsWith("/webhook-deliveries")
                        ? deliveryId
                        : route.path().startsWith("/webhook-endpoints")
                                ? demoEndpointId
                                : UUID.randomUUID().toString();
            case "topic" -> DEAD_LETTER_TOPIC;
            case "partition", "offset" -> "0";
            default -> UUID.randomUUID().toString();
        };
    }

    private String harmfulBody(ApiRoute route) throws JsonProcessingException {
        return switch (route.method() + " " + route.path()) {
            case "POST /tenants" ->
                json(Map.of("slug", "forged_" + (forged.size() + wrongRoles.size()), "displayName", "Forged"));
            case "POST /webhook-endpoints" -> json(Map.of("url", system.receiverUrl(), "description", "forged"));
            case "PUT /webhook-endpoints/{id}" ->
                json(Map.of("url", system.receiverUrl(), "description", "forged", "enabled", false));
            case "POST /admin/dead-letters/replay" -> json(Map.of("all", true));
            default -> "{}";
        };
    }

    private static String query(ApiRoute route) {
        return route.queryParameters().contains("since") ? "?since=2000-01-01T00:00:00Z" : "";
    }

    /** One valid token per set of roles: each is a credential the secret search looks for. */
    private String roleToken(List<String> roles) {
        return roleTokens.computeIfAbsent(roles, tokens::valid);
    }

    private static Map<Integer, Long> statuses(List<Attempt> attempts) {
        return attempts.stream()
                .collect(Collectors.groupingBy(a -> a.answer().status(), TreeMap::new, Collectors.counting()));
    }

    private int hostileRequests() {
        return forged.size() + wrongRoles.size() + slugs.size();
    }

    /** The console, but for the token the stack prints under its banner (by design: it is a developer's stack). */
    private String consoleWithoutTheBannerToken() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(system.console(), StandardCharsets.UTF_8));
        String token = system.token();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i - 1).startsWith("Token signed with this stack's own key")
                    && lines.get(i).strip().equals(token)) {
                lines.set(i, "(the banner's token)");
            }
        }
        return String.join("\n", lines);
    }

    /** An endpoint secret, and its random part alone. */
    private static List<String> endpointSecret(String secret) {
        return List.of(secret, secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret);
    }

    private static String read(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    private static boolean parses(String url) {
        try {
            URI.create(url);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A slug as a failure message can show it: escapes for anything but printable ASCII, long ones shortened. */
    private static String printable(String slug) {
        StringBuilder text = new StringBuilder("'");
        String shown = slug.length() > 40 ? slug.substring(0, 12) : slug;
        for (char c : shown.toCharArray()) {
            text.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        text.append("'");
        return slug.length() > 40 ? text + "... (" + slug.length() + " characters)" : text.toString();
    }

    private static String json(Map<String, ?> body) throws JsonProcessingException {
        return JSON.writeValueAsString(body);
    }

    private static Path repository() {
        return Path.of(System.getProperty("tenantry.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
    }
}
