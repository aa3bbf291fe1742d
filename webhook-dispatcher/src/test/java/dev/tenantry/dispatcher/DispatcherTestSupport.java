package dev.tenantry.dispatcher;

import static io.restassured.RestAssured.given;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantUpgraded;
import dev.tenantry.dispatcher.service.SecretCipher;
import dev.tenantry.dispatcher.service.WebhookSigner;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.TenantryInfrastructure;
import dev.tenantry.testinfra.TestKafka;
import dev.tenantry.testinfra.TestNames;
import dev.tenantry.testinfra.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the dispatcher's integration tests share: events in, endpoints via REST, rows out. */
public final class DispatcherTestSupport {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final URI SOURCE = URI.create("urn:tenantry:dispatcher-tests");
    static final CloudEventCodec CODEC = new CloudEventCodec();
    private static volatile TestKafka kafka;

    private DispatcherTestSupport() {}

    public static Infrastructure infra() {
        return TenantryInfrastructure.get();
    }

    static synchronized TestKafka kafka() {
        if (kafka == null) {
            kafka = new TestKafka(infra().kafkaBootstrapServers());
        }
        return kafka;
    }

    /** A tenant no other test uses: endpoints filtered on it see only this test's events. */
    public record TestTenant(String tenantId, String slug) {
        public static TestTenant fresh(String prefix) {
            return new TestTenant(UUID.randomUUID().toString(), TestNames.unique(prefix));
        }

        public EventEnvelope<TenantActivated> activated() {
            return EventEnvelope.create(SOURCE, new TenantActivated(tenantId, slug, "tenant_" + slug, "3"));
        }

        public EventEnvelope<TenantUpgraded> upgraded() {
            return EventEnvelope.create(SOURCE, new TenantUpgraded(tenantId, slug, "tenant_" + slug, "3", "4"));
        }
    }

    public static void publish(EventEnvelope<?> event) {
        try {
            kafka().producer()
                    .send(CODEC.toRecord(Topics.TENANT_LIFECYCLE, event))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + event.type(), e);
        }
    }

    public static String admin() {
        return TestTokens.bearer(Roles.TENANT_ADMIN);
    }

    public static String operator() {
        return TestTokens.bearer(Roles.OPERATOR);
    }

    public static String viewer() {
        return TestTokens.bearer(Roles.VIEWER);
    }

    /** An endpoint as registered through the API, with the secret shown once. */
    public record RegisteredEndpoint(String id, String url, String secret) {}

    /** Registers an endpoint for one tenant's events (any type unless given). */
    public static RegisteredEndpoint register(String url, String tenantId, String... eventTypes) {
        return register(url, List.of(tenantId), eventTypes);
    }

    /** Registers an endpoint for these tenants' events (any type unless given). */
    public static RegisteredEndpoint register(String url, List<String> tenantIds, String... eventTypes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("description", "test endpoint");
        body.put("tenantIds", tenantIds);
        if (eventTypes.length > 0) {
            body.put("eventTypes", List.of(eventTypes));
        }
        ValidatableResponse response = given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(201);
        return new RegisteredEndpoint(
                response.extract().path("id"), url, response.extract().path("secret"));
    }

    /**
     * Refuses to register {@code url}: a 422 problem on the url field. The answer is returned for
     * further checks of its detail.
     */
    public static ValidatableResponse registrationRefused(String url) {
        return given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("url", url, "tenantIds", List.of(UUID.randomUUID().toString())))
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("url"));
    }

    /**
     * Writes an endpoint straight into the database, past the registration checks: as if its name
     * had resolved to a public address at registration and resolves to something else now.
     */
    public static UUID insertEndpointUnchecked(String url, String tenantId, SecretCipher cipher) throws SQLException {
        UUID endpoint = UUID.randomUUID();
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement insertEndpoint = c.prepareStatement(
                        "INSERT INTO webhook_endpoint (id, url, tenant_ids) VALUES (?, ?, ARRAY[?])");
                PreparedStatement insertSecret = c.prepareStatement(
                        "INSERT INTO webhook_secret (endpoint_id, version, ciphertext) VALUES (?, 1, ?)")) {
            insertEndpoint.setObject(1, endpoint);
            insertEndpoint.setString(2, url);
            insertEndpoint.setString(3, tenantId);
            insertEndpoint.executeUpdate();
            insertSecret.setObject(1, endpoint);
            insertSecret.setBytes(2, cipher.encrypt(endpoint, 1, WebhookSigner.newSecret()));
            insertSecret.executeUpdate();
        }
        return endpoint;
    }

    /** The errors of every attempt made for an event. */
    public static List<String> attemptErrors(String eventId) throws SQLException {
        return strings("""
                SELECT a.error FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id
                 WHERE d.event_id = ?""", eventId);
    }

    public static String deliveryStatus(String eventId, String endpointId) throws SQLException {
        // As the API shows it: "delivering" is a pending delivery with a live lease.
        List<String> values = strings("""
                SELECT CASE WHEN status = 'pending' AND lease_until > now() THEN 'delivering' ELSE status END
                  FROM webhook_delivery WHERE event_id = ? AND endpoint_id = ?::uuid""", eventId, endpointId);
        return values.isEmpty() ? null : values.get(0);
    }

    public static String deliveryId(String eventId, String endpointId) throws SQLException {
        List<String> values = strings(
                "SELECT id::text FROM webhook_delivery WHERE event_id = ? AND endpoint_id = ?::uuid",
                eventId,
                endpointId);
        return values.isEmpty() ? null : values.get(0);
    }

    public static int queryInt(String sql, Object... params) throws SQLException {
        return Integer.parseInt(strings(sql, params).get(0));
    }

    public static List<String> strings(String sql, Object... params) throws SQLException {
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    /**
     * The value of one series on /q/metrics, e.g. {@code tenantry_webhook_deliveries_total{outcome="failed"}};
     * 0 when the series is not there (yet).
     */
    public static double metric(String series) {
        String text = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(
                        line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return 0;
    }

    /** One data entry of the webhook-dispatcher readiness check, as a number. */
    public static long readinessData(String key) {
        Object value = given().when()
                .get("/q/health/ready")
                .then()
                .extract()
                .path("checks.find { it.name == 'webhook-dispatcher' }.data." + key);
        if (value == null) {
            throw new AssertionError("readiness has no data entry " + key);
        }
        return ((Number) value).longValue();
    }

    /** The database's clock (the one that schedules and leases deliveries). */
    public static Instant databaseNow() throws SQLException {
        return Instant.EPOCH.plus(
                Long.parseLong(strings("SELECT (extract(epoch FROM now()) * 1000000)::bigint")
                        .get(0)),
                ChronoUnit.MICROS);
    }

    /** A timestamptz column of one row, exactly (microseconds), or null. */
    public static Instant instant(String sql, Object... params) throws SQLException {
        String micros = strings("SELECT (extract(epoch FROM (" + sql + ")) * 1000000)::bigint", params)
                .get(0);
        return micros == null ? null : Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
    }

    public static int execute(String sql, Object... params) throws SQLException {
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        }
    }
}
