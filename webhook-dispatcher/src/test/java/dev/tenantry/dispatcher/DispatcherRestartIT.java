package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.queryInt;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.WebhookReceiver.Received;
import dev.tenantry.dispatcher.model.ClaimedDelivery;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.service.DeliveryEngine;
import dev.tenantry.testinfra.TenantryTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher stopping between intake and send. The process is not killed: the delivery
 * engine is paused (no claims, as if no dispatcher ran) and a crashed instance is played by
 * claiming rows through the repository with a short lease and never sending them.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class DispatcherRestartIT {

    private static WebhookReceiver receiver;

    @Inject
    DeliveryEngine engine;

    @Inject
    DeliveryRepository deliveries;

    @Inject
    AgroalDataSource dataSource;

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
    void eventsTakenInWhileNothingSendsAreDeliveredOnceEachWhenSendingResumes() throws Exception {
        TestTenant tenant = TestTenant.fresh("stopped");
        RegisteredEndpoint endpoint = register(receiver.url("/after-restart"), tenant.tenantId());
        List<EventEnvelope<TenantActivated>> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(tenant.activated());
        }

        engine.pause();
        events.forEach(DispatcherTestSupport::publish);
        for (EventEnvelope<TenantActivated> event : events) {
            await().atMost(TIMEOUT).until(() -> "pending".equals(deliveryStatus(event.id(), endpoint.id())));
        }
        assertThat(receiver.count("/after-restart")).isZero();
        engine.resume();

        for (EventEnvelope<TenantActivated> event : events) {
            await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
        }
        List<Received> requests = receiver.requests("/after-restart");
        assertThat(requests)
                .extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrderElementsOf(
                        events.stream().map(EventEnvelope::id).toList());
        for (EventEnvelope<TenantActivated> event : events) {
            assertThat(queryInt("SELECT attempt_count FROM webhook_delivery WHERE event_id = ?", event.id()))
                    .isEqualTo(1);
        }
    }

    @Test
    void deliveriesClaimedByAnInstanceThatDiedComeBackWhenItsLeaseEndsAndAreSentOnce() throws Exception {
        TestTenant tenant = TestTenant.fresh("crashed");
        RegisteredEndpoint endpoint = register(receiver.url("/crashed-claim"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        engine.pause();
        publish(event);
        await().atMost(TIMEOUT).until(() -> "pending".equals(deliveryStatus(event.id(), endpoint.id())));
        String deliveryId = DispatcherTestSupport.deliveryId(event.id(), endpoint.id());
        List<ClaimedDelivery> stolen;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // The "other instance": claims with a 3 s lease, then dies without sending.
            // Only this test's endpoint: every other endpoint is left out of the claim.
            List<UUID> others =
                    DispatcherTestSupport.strings(
                                    "SELECT id::text FROM webhook_endpoint WHERE id <> ?::uuid", endpoint.id())
                            .stream()
                            .map(UUID::fromString)
                            .toList();
            stolen = deliveries
                    .claim(connection, 1000, others, Map.of(), 1, Duration.ofSeconds(3), 42L)
                    .deliveries();
            connection.commit();
        }
        assertThat(stolen).extracting(ClaimedDelivery::eventId).containsExactly(event.id());
        Instant leaseUntil = DispatcherTestSupport.instant(
                "SELECT lease_until FROM webhook_delivery WHERE id = ?::uuid", deliveryId);
        assertThat(deliveryStatus(event.id(), endpoint.id())).isEqualTo("delivering");
        engine.resume();

        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
        List<Received> requests = receiver.requests("/crashed-claim");
        assertThat(requests).extracting(r -> r.header("webhook-id")).containsExactly(event.id());
        // The running engine looked at the queue throughout the lease and left the delivery alone:
        // the request arrived only once the lease the database recorded had run out. (The receiver's
        // clock and the database's are the same host clock; 100 ms covers how each reads it.)
        assertThat(requests.get(0).receivedAt())
                .as("received at, against lease end %s", leaseUntil)
                .isAfterOrEqualTo(leaseUntil.minusMillis(100));
        assertThat(queryInt(
                        "SELECT count(*) FROM webhook_attempt WHERE delivery_id = ?::uuid",
                        UUID.fromString(deliveryId)))
                .isEqualTo(1);
    }
}
