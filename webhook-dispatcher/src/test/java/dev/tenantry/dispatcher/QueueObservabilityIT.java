package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.admin;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.execute;
import static dev.tenantry.dispatcher.DispatcherTestSupport.metric;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.queryInt;
import static dev.tenantry.dispatcher.DispatcherTestSupport.readinessData;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.service.DeliveryEngine;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What operators watch, checked by value: deliveries failed with their endpoint, the queue gauges
 * and the queue figures in readiness. The figures are global, and deliveries other tests left
 * behind may move them too; so the counter is checked for at least this test's change, and the
 * gauges against the database's own count at the same moment.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class QueueObservabilityIT {

    private static final String FAILED = "tenantry_webhook_deliveries_total{outcome=\"failed\"}";
    private static final String DUE = "tenantry_webhook_deliveries_due";
    private static final String OLDEST_DUE_AGE = "tenantry_webhook_deliveries_oldest_due_age_seconds";
    private static final String DISABLED = "tenantry_webhook_endpoints_disabled";
    private static final String DUE_SQL = """
            SELECT count(*) FROM webhook_delivery
             WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until <= now())""";
    private static WebhookReceiver receiver;

    @Inject
    DeliveryEngine engine;

    @BeforeAll
    static void startReceiver() {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @AfterEach
    void resumeEngine() {
        engine.resume();
    }

    @Test
    void deliveriesQueuedForAnEndpointDisabledThroughTheApiCountAsFailed() throws Exception {
        TestTenant tenant = TestTenant.fresh("manual-off");
        Parked parked = parkDeliveries("/manual-off", tenant, 4);
        RegisteredEndpoint endpoint = parked.endpoint();
        double before = metric(FAILED);

        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("url", endpoint.url(), "tenantIds", List.of(tenant.tenantId()), "enabled", false))
                .when()
                .put("/webhook-endpoints/" + endpoint.id())
                .then()
                .statusCode(200);

        for (EventEnvelope<TenantActivated> event : parked.events()) {
            assertThat(deliveryStatus(event.id(), endpoint.id())).isEqualTo("failed");
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(metric(FAILED)).isGreaterThanOrEqualTo(before + 4));
    }

    @Test
    void deliveriesQueuedForAnEndpointThatAnswered410CountAsFailedWithTheOneThatGotThe410() throws Exception {
        TestTenant tenant = TestTenant.fresh("gone-queue");
        Parked parked = parkDeliveries("/gone-queue", tenant, 3);
        RegisteredEndpoint endpoint = parked.endpoint();
        double before = metric(FAILED);

        receiver.answer("/gone-queue", 410);
        EventEnvelope<TenantActivated> last = tenant.activated();
        publish(last);

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(last.id(), endpoint.id())));
        for (EventEnvelope<TenantActivated> event : parked.events()) {
            assertThat(deliveryStatus(event.id(), endpoint.id())).isEqualTo("failed");
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(metric(FAILED)).isGreaterThanOrEqualTo(before + 4));
    }

    @Test
    void deliveriesQueuedForAnEndpointThatWasAutoDisabledCountAsFailed() throws Exception {
        TestTenant tenant = TestTenant.fresh("auto-off");
        Parked parked = parkDeliveries("/auto-off", tenant, 3);
        RegisteredEndpoint endpoint = parked.endpoint();
        double before = metric(FAILED);

        // Five days of failures pass: the health watch (every 300 ms in %test) disables it.
        execute(
                "UPDATE webhook_endpoint SET failing_since = now() - interval '5 days 1 minute' WHERE id = ?::uuid",
                endpoint.id());

        for (EventEnvelope<TenantActivated> event : parked.events()) {
            await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.id())));
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(metric(FAILED)).isGreaterThanOrEqualTo(before + 3));
    }

    @Test
    void theQueueGaugesAndReadinessReportDueDeliveriesTheOldestOnesAgeAndDisabledEndpoints() throws Exception {
        TestTenant tenant = TestTenant.fresh("queued");
        RegisteredEndpoint queued = register(receiver.url("/queued"), tenant.tenantId());
        RegisteredEndpoint later = register(receiver.url("/queued-later"), tenant.tenantId());
        int disabledBefore = queryInt("SELECT count(*) FROM webhook_endpoint WHERE NOT enabled");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(metric(DISABLED)).isEqualTo(disabledBefore));

        // Nothing is sent from here on: what is queued stays queued.
        engine.pause();
        long dueBefore = awaitDueGaugeAgreesWithDatabase();
        List<EventEnvelope<TenantActivated>> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(tenant.activated());
        }
        events.forEach(DispatcherTestSupport::publish);
        await().atMost(TIMEOUT)
                .until(() ->
                        queryInt("SELECT count(*) FROM webhook_delivery WHERE tenant_id = ?", tenant.tenantId()) == 6);
        // One of them has waited an hour; the other endpoint's are not due before an hour from now.
        execute(
                "UPDATE webhook_delivery SET next_attempt_at = now() - interval '1 hour' WHERE event_id = ? "
                        + "AND endpoint_id = ?::uuid",
                events.get(0).id(),
                queued.id());
        execute(
                "UPDATE webhook_delivery SET next_attempt_at = now() + interval '1 hour' WHERE endpoint_id = ?::uuid",
                later.id());

        long dueWithBacklog = awaitDueGaugeAgreesWithDatabase();
        assertThat(dueWithBacklog).isGreaterThanOrEqualTo(dueBefore + 3);
        assertThat(metric(OLDEST_DUE_AGE)).isBetween(3600.0, 3600.0 + 120);
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(readinessData("dueDeliveries")).isEqualTo(dueCount());
            assertThat(readinessData("oldestDueAgeSeconds")).isBetween(3600L, 3600L + 120);
        });

        // Disabled, the endpoint's queue fails: it leaves the due count, its hour-old delivery the age.
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("url", queued.url(), "tenantIds", List.of(tenant.tenantId()), "enabled", false))
                .when()
                .put("/webhook-endpoints/" + queued.id())
                .then()
                .statusCode(200);

        long dueAfter = awaitDueGaugeAgreesWithDatabase();
        assertThat(queryInt(DUE_SQL + " AND endpoint_id = ?::uuid", queued.id()))
                .isZero();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(metric(OLDEST_DUE_AGE)).isLessThan(3600.0);
            assertThat(readinessData("oldestDueAgeSeconds")).isLessThan(3600L);
            assertThat(readinessData("dueDeliveries")).isEqualTo(dueAfter);
            assertThat(metric(DISABLED)).isEqualTo(disabledBefore + 1);
        });
        assertThat(receiver.count("/queued") + receiver.count("/queued-later")).isZero();
    }

    /** Waits until the due gauge shows what the database counts (the figures are at most 2 s old). */
    private long awaitDueGaugeAgreesWithDatabase() {
        long[] agreed = new long[1];
        await().atMost(TIMEOUT).until(() -> {
            agreed[0] = dueCount();
            return metric(DUE) == agreed[0];
        });
        return agreed[0];
    }

    private static long dueCount() throws SQLException {
        return queryInt(DUE_SQL);
    }

    /** An endpoint with deliveries that stay queued. */
    private record Parked(RegisteredEndpoint endpoint, List<EventEnvelope<TenantActivated>> events) {}

    /**
     * Queues {@code count} deliveries for a new endpoint on {@code path} that stay pending: each got
     * one 503 asking to come back in an hour.
     */
    private static Parked parkDeliveries(String path, TestTenant tenant, int count) throws Exception {
        receiver.answerWithRetryAfter(path, 503, "3600");
        RegisteredEndpoint endpoint = register(receiver.url(path), tenant.tenantId());
        List<EventEnvelope<TenantActivated>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EventEnvelope<TenantActivated> event = tenant.activated();
            events.add(event);
            publish(event);
        }
        await().atMost(TIMEOUT).until(() -> queryInt("""
                SELECT count(*) FROM webhook_delivery
                 WHERE endpoint_id = ?::uuid AND attempt_count = 1 AND status = 'pending'
                   AND (lease_until IS NULL OR lease_until <= now())""", UUID.fromString(endpoint.id())) == count);
        return new Parked(endpoint, events);
    }
}
