package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.queryInt;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.WebhookReceiver.Received;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A hanging endpoint holds its own request slots and nothing else: not the instance's, not the queue. */
@QuarkusTest
@TestProfile(FewSlotsProfile.class)
@WithTestResource(TenantryTestResource.class)
class SlowEndpointIsolationIT {

    private static final int HANGING_EVENTS = 12;
    private static final int HEALTHY_EVENTS = 8;

    @Test
    void aHangingEndpointDoesNotDelayOtherEndpointsDeliveriesWhileItsRequestsWait() throws Exception {
        try (HangingEndpoint slow = new HangingEndpoint();
                WebhookReceiver fast = new WebhookReceiver()) {
            TestTenant hangingTenant = TestTenant.fresh("hang");
            TestTenant healthyTenant = TestTenant.fresh("healthy");
            RegisteredEndpoint hanging = register(slow.url("/hang"), hangingTenant.tenantId());
            RegisteredEndpoint healthy = register(fast.url("/healthy"), healthyTenant.tenantId());
            List<EventEnvelope<TenantActivated>> healthyEvents = new ArrayList<>();
            for (int i = 0; i < HEALTHY_EVENTS; i++) {
                healthyEvents.add(healthyTenant.activated());
            }

            // The hanging endpoint's deliveries go first and fill the head of the queue: three times
            // its own slots, more than the whole instance has.
            for (int i = 0; i < HANGING_EVENTS; i++) {
                DispatcherTestSupport.publish(hangingTenant.activated());
            }
            await().atMost(TIMEOUT)
                    .until(() -> queryInt(
                                    "SELECT count(*) FROM webhook_delivery WHERE endpoint_id = ?::uuid",
                                    UUID.fromString(hanging.id()))
                            == HANGING_EVENTS);
            await().atMost(TIMEOUT).until(() -> slow.received() >= FewSlotsProfile.PER_ENDPOINT);
            healthyEvents.forEach(DispatcherTestSupport::publish);

            for (EventEnvelope<TenantActivated> event : healthyEvents) {
                await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), healthy.id())));
            }
            List<Received> arrived = fast.requests("/healthy");
            assertThat(arrived).hasSize(HEALTHY_EVENTS);
            // Every healthy delivery arrived while the hanging endpoint's first request was still
            // waiting for an answer: none of them waited for a hanging request to time out.
            long timeoutMs = FewSlotsProfile.REQUEST_TIMEOUT.toMillis();
            List<Long> msAfterFirstHangingRequest = arrived.stream()
                    .map(request -> (request.receivedAtNanos() - slow.firstRequestAtNanos()) / 1_000_000)
                    .toList();
            assertThat(msAfterFirstHangingRequest)
                    .as("healthy arrivals, ms after the first hanging request (which times out after %d ms)", timeoutMs)
                    .allSatisfy(ms -> assertThat(ms).isLessThan(timeoutMs));
            // The hanging endpoint had its slots full, and never more than them.
            assertThat(slow.mostOpenAtOnce()).isEqualTo(FewSlotsProfile.PER_ENDPOINT);
        }
    }
}
