package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.execute;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static dev.tenantry.dispatcher.DispatcherTestSupport.strings;
import static dev.tenantry.dispatcher.DispatcherTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.service.DeliveryRetentionSweeper;
import dev.tenantry.support.messaging.DeadLetterHeaders;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Auto-disable after persistent failure, retention, readiness, metrics, OpenAPI, and records intake cannot use. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class EndpointHealthIT {

    private static WebhookReceiver receiver;

    @Inject
    DeliveryRetentionSweeper retention;

    @BeforeAll
    static void startReceiver() {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void anEndpointWhoseEveryAttemptFailedForTheWindowIsDisabledWithItsReasonAndItsQueueFails() throws Exception {
        TestTenant tenant = TestTenant.fresh("dead");
        // 429 with a long Retry-After keeps the delivery queued while the endpoint keeps failing.
        receiver.answerWithRetryAfter("/dead", 429, "3600");
        RegisteredEndpoint endpoint = register(receiver.url("/dead"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();
        publish(event);
        await().atMost(TIMEOUT)
                .until(() -> receiver.count("/dead") == 1
                        && !strings(
                                        "SELECT 1 FROM webhook_endpoint WHERE id = ?::uuid AND failing_since IS NOT NULL",
                                        endpoint.id())
                                .isEmpty());
        assertThat(deliveryStatus(event.id(), endpoint.id())).isEqualTo("pending");

        // Five days pass (the %test window is the default one): move the start of the failure run back.
        execute(
                "UPDATE webhook_endpoint SET failing_since = now() - interval '5 days 1 minute' WHERE id = ?::uuid",
                endpoint.id());

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.id())));
        given().header("Authorization", viewer())
                .when()
                .get("/webhook-endpoints/" + endpoint.id())
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false))
                .body("disabledReason", containsString("every delivery attempt failed since"))
                .body("disabledReason", containsString("5 days"));
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("tenantry_webhook_endpoints_auto_disabled_total{reason=\"persistent-failure\"}"))
                .body(containsString("tenantry_webhook_endpoints_disabled"));
        assertThat(receiver.count("/dead")).isEqualTo(1);
    }

    @Test
    void aSuccessEndsTheFailureRunSoAnEndpointThatRecoversIsNotDisabled() throws Exception {
        TestTenant tenant = TestTenant.fresh("wobbly");
        receiver.answerInTurn("/wobbly", 500, 200);
        RegisteredEndpoint endpoint = register(receiver.url("/wobbly"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
        assertThat(strings(
                        "SELECT enabled::text || coalesce(failing_since::text, '-') FROM webhook_endpoint "
                                + "WHERE id = ?::uuid",
                        endpoint.id()))
                .containsExactly("true-");
    }

    @Test
    void readinessCoversTheDatabaseKafkaAndTheDispatcherAndMetricsAreExposed() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("kafka", "webhook-dispatcher"))
                .body("checks.name", hasItem(containsString("Database")));
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("tenantry_webhook_deliveries_due"))
                .body(containsString("tenantry_webhook_deliveries_oldest_due_age_seconds"))
                .body(containsString("tenantry_webhook_endpoints_disabled"))
                .body(containsString("tenantry_webhook_requests_in_flight"));
    }

    @Test
    void theOpenApiDocumentDescribesTheRoutes() {
        given().when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/webhook-endpoints/{id}/rotate-secret"))
                .body(containsString("/webhook-deliveries/{id}/redeliver"))
                .body(containsString("/webhook-endpoints/{id}/recover"));
    }

    @Test
    void finishedDeliveriesPastRetentionAreDeletedWithTheirAttemptsButQueuedOnesStay() throws Exception {
        TestTenant tenant = TestTenant.fresh("old");
        receiver.answerWithRetryAfter("/old-queued", 503, "3600");
        RegisteredEndpoint done = register(receiver.url("/old-done"), tenant.tenantId());
        RegisteredEndpoint queued = register(receiver.url("/old-queued"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();
        publish(event);
        await().atMost(TIMEOUT)
                .until(() -> "delivered".equals(deliveryStatus(event.id(), done.id()))
                        && receiver.count("/old-queued") == 1
                        && "pending".equals(deliveryStatus(event.id(), queued.id())));
        execute("UPDATE webhook_delivery SET created_at = now() - interval '31 days' WHERE event_id = ?", event.id());
        execute(
                "UPDATE dispatcher_processed_event SET processed_at = now() - interval '31 days' WHERE event_id = ?",
                event.id());

        assertThat(retention.sweep()).isPositive();

        assertThat(deliveryStatus(event.id(), done.id())).isNull();
        assertThat(deliveryStatus(event.id(), queued.id())).isEqualTo("pending");
        assertThat(strings("SELECT 1 FROM dispatcher_processed_event WHERE event_id = ?", event.id()))
                .isEmpty();
        assertThat(strings(
                        "SELECT a.id FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id "
                                + "WHERE d.event_id = ?",
                        event.id()))
                .hasSize(1);
    }

    @Test
    void attemptsAndOutcomesAreMetered() throws Exception {
        TestTenant tenant = TestTenant.fresh("metered");
        RegisteredEndpoint endpoint = register(receiver.url("/metered"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();
        publish(event);
        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));

        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("tenantry_webhook_attempts_total{outcome=\"success\"}"))
                .body(containsString("tenantry_webhook_deliveries_total{outcome=\"delivered\"}"))
                .body(containsString("tenantry_webhook_attempt_duration_seconds_bucket"));
    }

    @Test
    void aRecordThatIsNotALifecycleEventIsDeadLetteredAndIntakeCarriesOn() throws Exception {
        TestTenant tenant = TestTenant.fresh("stray");
        RegisteredEndpoint endpoint = register(receiver.url("/after-stray"), tenant.tenantId());
        // A migration request written to the wrong topic by mistake.
        EventEnvelope<TenantRequested> stray = EventEnvelope.create(
                DispatcherTestSupport.SOURCE,
                new TenantRequested(tenant.tenantId(), tenant.slug(), "tenant_" + tenant.slug(), null));
        ProducerRecord<String, byte[]> encoded =
                DispatcherTestSupport.CODEC.toRecord(Topics.TENANT_MIGRATION_REQUESTS, stray);
        DispatcherTestSupport.kafka()
                .producer()
                .send(new ProducerRecord<>(
                        Topics.TENANT_LIFECYCLE, null, encoded.key(), encoded.value(), encoded.headers()))
                .get();
        EventEnvelope<TenantActivated> next = tenant.activated();
        publish(next);

        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(next.id(), endpoint.id())));
        TestKafka kafka = DispatcherTestSupport.kafka();
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecord(
                Topics.deadLetter(Topics.TENANT_LIFECYCLE, "webhook-dispatcher"),
                r -> stray.id().equals(header(r, "ce_id")),
                TIMEOUT);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isNotBlank();
        assertThat(strings("SELECT 1 FROM webhook_delivery WHERE event_id = ?", stray.id()))
                .isEmpty();
        assertThat(receiver.requests("/after-stray"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactly(next.id());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
