package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.admin;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryId;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.operator;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static dev.tenantry.dispatcher.DispatcherTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.WebhookReceiver.Received;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class WebhookApiIT {

    private static final String PROBLEM = "application/problem+json";
    private static WebhookReceiver receiver;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startReceiver() {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void anEndpointIsCreatedReadUpdatedAndDeletedAndItsSecretIsShownOnlyOnCreation() {
        String tenant = UUID.randomUUID().toString();
        String id = given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "url",
                        receiver.url("/crud"),
                        "description",
                        "billing system",
                        "eventTypes",
                        List.of(EventType.TENANT_ACTIVATED.type()),
                        "tenantIds",
                        List.of(tenant)))
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(201)
                .header("Location", containsString("/webhook-endpoints/"))
                .body("secret", containsString("whsec_"))
                .body("enabled", equalTo(true))
                .body("eventTypes", equalTo(List.of(EventType.TENANT_ACTIVATED.type())))
                .extract()
                .path("id");

        given().header("Authorization", viewer())
                .when()
                .get("/webhook-endpoints/" + id)
                .then()
                .statusCode(200)
                .body("url", equalTo(receiver.url("/crud")))
                .body("secret", nullValue());
        given().header("Authorization", viewer())
                .queryParam("tenant", tenant)
                .when()
                .get("/webhook-endpoints")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id))
                .body("items.secret", everyItem(nullValue()));
        given().header("Authorization", viewer())
                .queryParam("tenant", UUID.randomUUID().toString())
                .when()
                .get("/webhook-endpoints")
                .then()
                .statusCode(200)
                .body("items.id", not(hasItem(id)));

        given().header("Authorization", operator())
                .contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/crud-2"), "tenantIds", List.of(tenant), "enabled", false))
                .when()
                .put("/webhook-endpoints/" + id)
                .then()
                .statusCode(200)
                .body("url", equalTo(receiver.url("/crud-2")))
                .body("eventTypes", hasSize(0))
                .body("enabled", equalTo(false))
                .body("disabledReason", equalTo("disabled through the API"));
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/crud-2"), "tenantIds", List.of(tenant), "enabled", true))
                .when()
                .put("/webhook-endpoints/" + id)
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true))
                .body("disabledReason", nullValue());

        given().header("Authorization", admin())
                .when()
                .delete("/webhook-endpoints/" + id)
                .then()
                .statusCode(204);
        given().header("Authorization", admin())
                .when()
                .get("/webhook-endpoints/" + id)
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
        given().header("Authorization", admin())
                .when()
                .get("/webhook-endpoints/not-a-uuid")
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
    }

    @Test
    void urlsThatReachInternalAddressesOrAreNotWebUrlsAreRefused() {
        for (String url : List.of(
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.5/hook",
                "http://192.168.1.10/hook",
                "https://[fd00::1]/hook",
                "ftp://example.com/x",
                "not a url")) {
            given().header("Authorization", admin())
                    .contentType(ContentType.JSON)
                    .body(Map.of("url", url))
                    .when()
                    .post("/webhook-endpoints")
                    .then()
                    .statusCode(422)
                    .contentType(PROBLEM)
                    .body("errors[0].field", equalTo("url"));
        }
    }

    @Test
    void badBodiesAndParametersAreAnsweredWith4xxProblems() {
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body("{\"url\": ")
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/x"), "colour", "blue"))
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("description", "no url"))
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors[0].field", equalTo("url"));
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/x"), "eventTypes", List.of("tenantry.tenant.requested.v1")))
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors[0].field", equalTo("eventTypes"));
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/x"), "tenantIds", "not-a-list"))
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body("")
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", viewer())
                .queryParam("status", "lost")
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors[0].field", equalTo("status"));
        given().header("Authorization", viewer())
                .queryParam("since", "yesterday")
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", viewer())
                .queryParam("endpoint", "x")
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", viewer())
                .queryParam("limit", 0)
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", operator())
                .when()
                .post("/webhook-endpoints/" + UUID.randomUUID() + "/recover")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors[0].field", equalTo("since"));
        given().header("Authorization", operator())
                .when()
                .post("/webhook-deliveries/" + UUID.randomUUID() + "/redeliver")
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
    }

    @Test
    void aLimitThatIsNotAWholeNumberFromOneTo500IsA400ProblemNamingTheLimit() {
        for (String path : List.of("/webhook-deliveries", "/webhook-endpoints")) {
            for (String limit : List.of("abc", "1.5", "10x", "0", "501", "-3")) {
                given().header("Authorization", viewer())
                        .queryParam("limit", limit)
                        .when()
                        .get(path)
                        .then()
                        .statusCode(400)
                        .contentType(PROBLEM)
                        .body("errors[0].field", equalTo("limit"));
            }
            given().header("Authorization", viewer())
                    .queryParam("limit", "2")
                    .when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .body("size()", lessThanOrEqualTo(2));
            given().header("Authorization", viewer()).when().get(path).then().statusCode(200);
        }
    }

    @Test
    void rotatingTheSecretOfOrPingingAnUnknownEndpointIs404Problem() {
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid")) {
            for (String action : List.of("rotate-secret", "ping")) {
                given().header("Authorization", admin())
                        .when()
                        .post("/webhook-endpoints/" + id + "/" + action)
                        .then()
                        .statusCode(404)
                        .contentType(PROBLEM)
                        .body("detail", containsString(id));
            }
        }
    }

    @Test
    void everyRouteWantsATokenAndTheRightRole() {
        String id = UUID.randomUUID().toString();
        for (String path : List.of(
                "/webhook-endpoints",
                "/webhook-endpoints/" + id,
                "/webhook-deliveries",
                "/webhook-deliveries/" + id,
                "/webhook-deliveries/" + id + "/attempts")) {
            given().when().get(path).then().statusCode(401).contentType(PROBLEM);
            given().header("Authorization", "Bearer not-a-jwt")
                    .when()
                    .get(path)
                    .then()
                    .statusCode(401);
        }
        given().header("Authorization", TestTokens.bearer())
                .when()
                .get("/webhook-endpoints")
                .then()
                .statusCode(403)
                .contentType(PROBLEM);
        for (String path : List.of(
                "/webhook-endpoints",
                "/webhook-endpoints/" + id + "/rotate-secret",
                "/webhook-endpoints/" + id + "/ping",
                "/webhook-endpoints/" + id + "/recover",
                "/webhook-deliveries/" + id + "/redeliver")) {
            given().contentType(ContentType.JSON)
                    .body("{}")
                    .when()
                    .post(path)
                    .then()
                    .statusCode(401)
                    .contentType(PROBLEM);
            given().header("Authorization", viewer())
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .when()
                    .post(path)
                    .then()
                    .statusCode(403)
                    .contentType(PROBLEM);
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/x")))
                .when()
                .put("/webhook-endpoints/" + id)
                .then()
                .statusCode(401)
                .contentType(PROBLEM);
        given().when().delete("/webhook-endpoints/" + id).then().statusCode(401).contentType(PROBLEM);
        given().header("Authorization", viewer())
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .put("/webhook-endpoints/" + id)
                .then()
                .statusCode(403);
        given().header("Authorization", viewer())
                .when()
                .delete("/webhook-endpoints/" + id)
                .then()
                .statusCode(403);
        // Redelivery and recovery are operations work.
        given().header("Authorization", admin())
                .when()
                .post("/webhook-deliveries/" + id + "/redeliver")
                .then()
                .statusCode(403);
        given().header("Authorization", admin())
                .queryParam("since", "2026-01-01T00:00:00Z")
                .when()
                .post("/webhook-endpoints/" + id + "/recover")
                .then()
                .statusCode(403);
    }

    @Test
    void afterRotationRequestsCarryTwoSignaturesOneForEachSecret() throws Exception {
        TestTenant tenant = TestTenant.fresh("rotate");
        RegisteredEndpoint endpoint = register(receiver.url("/rotate"), tenant.tenantId());

        Map<String, Object> rotated = given().header("Authorization", admin())
                .when()
                .post("/webhook-endpoints/" + endpoint.id() + "/rotate-secret")
                .then()
                .statusCode(200)
                .body("version", equalTo(2))
                .extract()
                .as(Map.class);
        String newSecret = (String) rotated.get("secret");
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(endpoint.secret());
        assertThat(Instant.parse((String) rotated.get("previousValidUntil"))).isAfter(Instant.now());
        publish(tenant.activated());

        await().atMost(TIMEOUT).until(() -> receiver.count("/rotate") == 1);
        Received request = receiver.requests("/rotate").get(0);
        String header = request.header("webhook-signature");
        assertThat(StandardWebhooksVerifier.signatures(header)).hasSize(2);
        for (String secret : List.of(endpoint.secret(), newSecret)) {
            assertThat(new StandardWebhooksVerifier(secret)
                            .verify(
                                    request.header("webhook-id"),
                                    request.header("webhook-timestamp"),
                                    header,
                                    request.body()))
                    .as(secret)
                    .isTrue();
        }
        // Each signature on its own verifies with exactly one of the two secrets.
        for (String single : StandardWebhooksVerifier.signatures(header)) {
            long matches = List.of(endpoint.secret(), newSecret).stream()
                    .filter(secret -> new StandardWebhooksVerifier(secret)
                            .verify(
                                    request.header("webhook-id"),
                                    request.header("webhook-timestamp"),
                                    single,
                                    request.body()))
                    .count();
            assertThat(matches).isEqualTo(1);
        }
    }

    @Test
    void aPingSendsASignedTestEventAtOnceAndReportsTheOutcome() throws Exception {
        TestTenant tenant = TestTenant.fresh("ping");
        RegisteredEndpoint endpoint = register(receiver.url("/ping"), tenant.tenantId());

        String deliveryId = given().header("Authorization", admin())
                .when()
                .post("/webhook-endpoints/" + endpoint.id() + "/ping")
                .then()
                .statusCode(200)
                .body("delivered", equalTo(true))
                .body("responseStatus", equalTo(200))
                .extract()
                .path("deliveryId");

        assertThat(receiver.requests("/ping")).hasSize(1);
        Received request = receiver.requests("/ping").get(0);
        assertThat(json.readTree(request.body()).get("type").asText()).isEqualTo("tenantry.webhook.ping.v1");
        assertThat(new StandardWebhooksVerifier(endpoint.secret())
                        .verify(
                                request.header("webhook-id"),
                                request.header("webhook-timestamp"),
                                request.header("webhook-signature"),
                                request.body()))
                .isTrue();
        given().header("Authorization", viewer())
                .when()
                .get("/webhook-deliveries/" + deliveryId)
                .then()
                .statusCode(200)
                .body("status", equalTo("delivered"));
        given().header("Authorization", viewer())
                .when()
                .get("/webhook-deliveries/" + deliveryId + "/attempts")
                .then()
                .statusCode(200)
                .body("responseStatus", equalTo(List.of(200)));

        receiver.answer("/ping-broken", 500);
        RegisteredEndpoint broken = register(receiver.url("/ping-broken"), tenant.tenantId());
        given().header("Authorization", admin())
                .when()
                .post("/webhook-endpoints/" + broken.id() + "/ping")
                .then()
                .statusCode(200)
                .body("delivered", equalTo(false))
                .body("responseStatus", equalTo(500));
        assertThat(receiver.count("/ping-broken")).isEqualTo(1);
    }

    @Test
    void deliveriesAreListedByStatusEndpointTenantAndTimeWithTheirAttempts() throws Exception {
        TestTenant tenant = TestTenant.fresh("listing");
        receiver.answer("/listing-bad", 410);
        RegisteredEndpoint good = register(receiver.url("/listing-good"), tenant.tenantId());
        RegisteredEndpoint bad = register(receiver.url("/listing-bad"), tenant.tenantId());
        Instant before = Instant.now().minusSeconds(1);
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);
        await().atMost(TIMEOUT)
                .until(() -> "delivered".equals(deliveryStatus(event.id(), good.id()))
                        && "failed".equals(deliveryStatus(event.id(), bad.id())));

        given().header("Authorization", viewer())
                .queryParam("tenant", tenant.tenantId())
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(200)
                .body("items.eventId", equalTo(List.of(event.id(), event.id())))
                .body("items.tenantId", hasItem(tenant.tenantId()));
        given().header("Authorization", viewer())
                .queryParam("tenant", tenant.tenantId())
                .queryParam("status", "failed")
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(200)
                .body("items.endpointId", equalTo(List.of(bad.id())))
                .body("items[0].lastResponseStatus", equalTo(410));
        given().header("Authorization", viewer())
                .queryParam("endpoint", good.id())
                .queryParam("since", before.toString())
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(200)
                .body("items.status", equalTo(List.of("delivered")))
                .body("items[0].eventType", equalTo(EventType.TENANT_ACTIVATED.type()));
        given().header("Authorization", viewer())
                .queryParam("endpoint", good.id())
                .queryParam("since", Instant.now().plusSeconds(60).toString())
                .when()
                .get("/webhook-deliveries")
                .then()
                .statusCode(200)
                .body("items", hasSize(0))
                .body("nextCursor", nullValue());
        given().header("Authorization", viewer())
                .when()
                .get("/webhook-deliveries/" + deliveryId(event.id(), bad.id()) + "/attempts")
                .then()
                .statusCode(200)
                .body("responseStatus", equalTo(List.of(410)))
                .body("[0].attemptNumber", equalTo(1))
                .body("[0].error", containsString("410"));
    }

    @Test
    void anOperatorRedeliversADeliveredEventWithTheSameWebhookId() throws Exception {
        TestTenant tenant = TestTenant.fresh("redeliver");
        RegisteredEndpoint endpoint = register(receiver.url("/redeliver"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();
        publish(event);
        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
        String delivery = deliveryId(event.id(), endpoint.id());

        given().header("Authorization", operator())
                .when()
                .post("/webhook-deliveries/" + delivery + "/redeliver")
                .then()
                .statusCode(202)
                .body("id", equalTo(delivery))
                .body("status", not(equalTo("delivered")));

        await().atMost(TIMEOUT)
                .until(() -> receiver.count("/redeliver") == 2
                        && "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
        assertThat(receiver.requests("/redeliver"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactly(event.id(), event.id());
        assertThat(receiver.requests("/redeliver"))
                .extracting(Received::bodyText)
                .containsOnly(receiver.requests("/redeliver").get(0).bodyText());
        given().header("Authorization", viewer())
                .when()
                .get("/webhook-deliveries/" + delivery + "/attempts")
                .then()
                .statusCode(200)
                .body("attemptNumber", equalTo(List.of(1, 2)));
    }

    @Test
    void recoveryRequeuesTheFailedDeliveriesOfAnEndpointSinceATime() throws Exception {
        TestTenant tenant = TestTenant.fresh("recover");
        receiver.answer("/recover", 500);
        RegisteredEndpoint endpoint = register(receiver.url("/recover"), tenant.tenantId());
        Instant since = Instant.now().minusSeconds(1);
        EventEnvelope<TenantActivated> first = tenant.activated();
        EventEnvelope<TenantActivated> second = tenant.activated();
        publish(first);
        publish(second);
        await().atMost(TIMEOUT)
                .until(() -> "failed".equals(deliveryStatus(first.id(), endpoint.id()))
                        && "failed".equals(deliveryStatus(second.id(), endpoint.id())));

        receiver.answer("/recover", 200);
        given().header("Authorization", operator())
                .queryParam("since", since.toString())
                .when()
                .post("/webhook-endpoints/" + endpoint.id() + "/recover")
                .then()
                .statusCode(202)
                .body("requeued", equalTo(2));

        await().atMost(TIMEOUT)
                .until(() -> "delivered".equals(deliveryStatus(first.id(), endpoint.id()))
                        && "delivered".equals(deliveryStatus(second.id(), endpoint.id())));
        given().header("Authorization", operator())
                .queryParam("since", since.toString())
                .when()
                .post("/webhook-endpoints/" + endpoint.id() + "/recover")
                .then()
                .statusCode(202)
                .body("requeued", equalTo(0));
    }

    @Test
    void recoveryLeavesFailedDeliveriesCreatedBeforeSinceFailed() throws Exception {
        TestTenant tenant = TestTenant.fresh("recover-since");
        receiver.answer("/recover-since", 500);
        RegisteredEndpoint endpoint = register(receiver.url("/recover-since"), tenant.tenantId());
        EventEnvelope<TenantActivated> older = tenant.activated();
        publish(older);
        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(older.id(), endpoint.id())));
        // The database's clock stamps created_at: "since" is read from it, between the two deliveries.
        Instant since = DispatcherTestSupport.databaseNow();
        EventEnvelope<TenantActivated> newer = tenant.activated();
        publish(newer);
        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(newer.id(), endpoint.id())));
        int olderRequests = requestsFor("/recover-since", older.id());

        receiver.answer("/recover-since", 200);
        given().header("Authorization", operator())
                .queryParam("since", since.toString())
                .when()
                .post("/webhook-endpoints/" + endpoint.id() + "/recover")
                .then()
                .statusCode(202)
                .body("requeued", equalTo(1));

        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(newer.id(), endpoint.id())));
        assertThat(deliveryStatus(older.id(), endpoint.id())).isEqualTo("failed");
        assertThat(requestsFor("/recover-since", older.id())).isEqualTo(olderRequests);
        assertThat(requestsFor("/recover-since", newer.id())).isEqualTo(olderRequests + 1);
    }

    private static int requestsFor(String path, String webhookId) {
        return (int) receiver.requests(path).stream()
                .filter(r -> webhookId.equals(r.header("webhook-id")))
                .count();
    }
}
