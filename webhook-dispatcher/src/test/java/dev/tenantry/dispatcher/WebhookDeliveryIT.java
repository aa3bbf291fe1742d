package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.queryInt;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.events.RolloutHalted;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.WebhookReceiver.Received;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class WebhookDeliveryIT {

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
    void aLifecycleEventReachesTheEndpointAsASignedCloudEventThatAnIndependentVerifierAccepts() throws Exception {
        TestTenant tenant = TestTenant.fresh("signed");
        RegisteredEndpoint endpoint = register(receiver.url("/signed"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> receiver.count("/signed") == 1);
        Received request = receiver.requests("/signed").get(0);
        assertThat(endpoint.secret()).startsWith("whsec_");
        assertThat(new StandardWebhooksVerifier(endpoint.secret())
                        .verify(
                                request.header("webhook-id"),
                                request.header("webhook-timestamp"),
                                request.header("webhook-signature"),
                                request.body()))
                .isTrue();
        assertThat(request.header("webhook-id")).isEqualTo(event.id());
        assertThat(request.header("content-type")).isEqualTo("application/cloudevents+json");
        JsonNode body = json.readTree(request.body());
        assertThat(body.get("specversion").asText()).isEqualTo("1.0");
        assertThat(body.get("id").asText()).isEqualTo(event.id());
        assertThat(body.get("type").asText()).isEqualTo(EventType.TENANT_ACTIVATED.type());
        assertThat(body.get("subject").asText()).isEqualTo(tenant.tenantId());
        assertThat(body.at("/data/slug").asText()).isEqualTo(tenant.slug());
        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
        assertThat(queryInt("""
                SELECT count(*) FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id
                 WHERE d.event_id = ? AND a.response_status = 200""", event.id())).isEqualTo(1);
    }

    @Test
    void aRolloutEventReachesAnEndpointThatSubscribedToItsTypeWithoutATenantFilter() throws Exception {
        String rolloutId = "rollout-" + java.util.UUID.randomUUID();
        RegisteredEndpoint endpoint =
                register(receiver.url("/rollouts"), (List<String>) null, EventType.ROLLOUT_HALTED.type());
        EventEnvelope<RolloutHalted> event = EventEnvelope.create(
                java.net.URI.create("urn:tenantry:migration-worker"),
                new RolloutHalted(rolloutId, "4", "canary", 1, "stage 'canary': 1 of 1 tenant(s) failed"));

        publish(event);

        await().atMost(TIMEOUT).until(() -> receiver.count("/rollouts") == 1);
        JsonNode body = json.readTree(receiver.requests("/rollouts").get(0).body());
        assertThat(body.get("type").asText()).isEqualTo("tenantry.rollout.halted.v1");
        assertThat(body.get("subject").asText()).isEqualTo(rolloutId);
        assertThat(body.at("/data/stage").asText()).isEqualTo("canary");
        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
    }

    @Test
    void aTamperedBodyOrAnotherSecretFailsVerification() throws Exception {
        TestTenant tenant = TestTenant.fresh("tamper");
        RegisteredEndpoint endpoint = register(receiver.url("/tamper"), tenant.tenantId());
        RegisteredEndpoint other = register(
                receiver.url("/tamper-other"), TestTenant.fresh("nobody").tenantId());

        publish(tenant.activated());

        await().atMost(TIMEOUT).until(() -> receiver.count("/tamper") == 1);
        Received request = receiver.requests("/tamper").get(0);
        byte[] tampered =
                request.bodyText().replace(tenant.slug(), "someone-else").getBytes();
        assertThat(new StandardWebhooksVerifier(endpoint.secret())
                        .verify(
                                request.header("webhook-id"),
                                request.header("webhook-timestamp"),
                                request.header("webhook-signature"),
                                tampered))
                .isFalse();
        assertThat(new StandardWebhooksVerifier(other.secret())
                        .verify(
                                request.header("webhook-id"),
                                request.header("webhook-timestamp"),
                                request.header("webhook-signature"),
                                request.body()))
                .isFalse();
    }

    @Test
    void onlyEndpointsWhoseFiltersMatchGetTheEventAndTheSameEventTwiceIsDeliveredOnce() throws Exception {
        TestTenant tenant = TestTenant.fresh("filters");
        register(receiver.url("/filter-activated"), tenant.tenantId(), EventType.TENANT_ACTIVATED.type());
        register(receiver.url("/filter-upgraded"), tenant.tenantId(), EventType.TENANT_UPGRADED.type());
        register(receiver.url("/filter-other-tenant"), TestTenant.fresh("other").tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);
        publish(event);
        publish(tenant.upgraded());

        await().atMost(TIMEOUT)
                .until(() -> receiver.count("/filter-activated") >= 1 && receiver.count("/filter-upgraded") >= 1);
        assertThat(queryInt("SELECT count(*) FROM dispatcher_processed_event WHERE event_id = ?", event.id()))
                .isEqualTo(1);
        assertThat(queryInt("SELECT count(*) FROM webhook_delivery WHERE event_id = ?", event.id()))
                .isEqualTo(1);
        List<Received> activated = receiver.requests("/filter-activated");
        assertThat(activated).hasSize(1);
        assertThat(activated.get(0).header("webhook-id")).isEqualTo(event.id());
        assertThat(receiver.count("/filter-upgraded")).isEqualTo(1);
        assertThat(receiver.count("/filter-other-tenant")).isZero();
    }
}
