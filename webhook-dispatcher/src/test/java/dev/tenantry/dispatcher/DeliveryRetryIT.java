package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryId;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static dev.tenantry.dispatcher.DispatcherTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.WebhookReceiver.Received;
import dev.tenantry.dispatcher.model.Attempt;
import dev.tenantry.dispatcher.repository.AttemptRepository;
import dev.tenantry.testinfra.TenantryTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retries, give-up, 410 and slow endpoints. The %test profile scales the schedule down to
 * 0 s, 300 ms, 600 ms, 900 ms (four attempts, no jitter) with a 2 s request timeout.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class DeliveryRetryIT {

    private static final List<Duration> SCHEDULE =
            List.of(Duration.ZERO, Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMillis(900));

    /*
     * How late an attempt may come: the claimer looks at the queue every 100 ms and after every
     * written outcome, so a retry normally starts within a few hundred ms of its time. Generous,
     * for a busy machine; still far below the default schedule's 5 s, which a test profile that
     * was not applied would show.
     */
    private static final Duration SCHEDULE_SLACK = Duration.ofSeconds(2);

    private static WebhookReceiver receiver;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AttemptRepository attempts;

    @BeforeAll
    static void startReceiver() {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void aFailingEndpointIsRetriedOnTheScheduleThenTheDeliveryFailsWithEveryAttemptLogged() throws Exception {
        TestTenant tenant = TestTenant.fresh("retry");
        receiver.answerWithBody("/always-500", 500, "database on fire");
        RegisteredEndpoint endpoint = register(receiver.url("/always-500"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.id())));
        List<Attempt> logged = attemptsOf(event.id(), endpoint.id());
        assertThat(logged).hasSize(SCHEDULE.size());
        assertThat(logged).extracting(Attempt::attemptNumber).containsExactly(1, 2, 3, 4);
        assertThat(logged).allSatisfy(a -> {
            assertThat(a.responseStatus()).isEqualTo(500);
            assertThat(a.responseBody()).isEqualTo("database on fire");
            assertThat(a.error()).contains("500");
        });
        for (int i = 1; i < logged.size(); i++) {
            Duration gap = Duration.between(
                    logged.get(i - 1).attemptedAt(), logged.get(i).attemptedAt());
            assertThat(gap)
                    .as("wait before attempt %d", i + 1)
                    .isGreaterThanOrEqualTo(SCHEDULE.get(i))
                    .isLessThan(SCHEDULE.get(i).plus(SCHEDULE_SLACK));
        }
        List<Received> requests = receiver.requests("/always-500");
        assertThat(requests).hasSize(SCHEDULE.size());
        assertThat(requests).extracting(r -> r.header("webhook-id")).containsOnly(event.id());
        assertThat(requests)
                .extracting(Received::bodyText)
                .containsOnly(requests.get(0).bodyText());
    }

    @Test
    void aDeliveryThatFailsTwiceThenSucceedsIsDeliveredOnTheThirdAttempt() throws Exception {
        TestTenant tenant = TestTenant.fresh("flaky");
        receiver.answerInTurn("/flaky", 503, 502, 204);
        RegisteredEndpoint endpoint = register(receiver.url("/flaky"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "delivered".equals(deliveryStatus(event.id(), endpoint.id())));
        assertThat(attemptsOf(event.id(), endpoint.id()))
                .extracting(Attempt::responseStatus)
                .containsExactly(503, 502, 204);
        assertThat(strings("SELECT failing_since::text FROM webhook_endpoint WHERE id = ?::uuid", endpoint.id()))
                .containsOnlyNulls();
    }

    @Test
    void retryAfterOfA429IsHonoured() throws Exception {
        TestTenant tenant = TestTenant.fresh("throttled");
        receiver.answerWithRetryAfter("/throttled", 429, "2");
        RegisteredEndpoint endpoint = register(receiver.url("/throttled"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT)
                .until(() -> attemptsOf(event.id(), endpoint.id()).size() >= 2);
        List<Attempt> logged = attemptsOf(event.id(), endpoint.id());
        assertThat(logged.get(0).responseStatus()).isEqualTo(429);
        // The schedule says 300 ms; the receiver asked for 2 s.
        assertThat(Duration.between(logged.get(0).attemptedAt(), logged.get(1).attemptedAt()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void a410DisablesTheEndpointFailsTheDeliveryAndLaterEventsAreNotQueuedForIt() throws Exception {
        TestTenant tenant = TestTenant.fresh("gone");
        receiver.answer("/gone", 410);
        RegisteredEndpoint endpoint = register(receiver.url("/gone"), tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.id())));
        assertThat(receiver.count("/gone")).isEqualTo(1);
        assertThat(strings(
                        "SELECT enabled::text || ' ' || disabled_reason FROM webhook_endpoint WHERE id = ?::uuid",
                        endpoint.id()))
                .containsExactly("false receiver answered 410 Gone");
        EventEnvelope<?> later = tenant.upgraded();
        publish(later);
        TestTenant witness = TestTenant.fresh("witness");
        RegisteredEndpoint witnessEndpoint = register(receiver.url("/gone-witness"), witness.tenantId());
        EventEnvelope<TenantActivated> witnessEvent = witness.activated();
        publish(witnessEvent);
        // Events are consumed in order per partition; a later, unrelated event arriving proves intake moved on.
        await().atMost(TIMEOUT)
                .until(() -> "delivered".equals(deliveryStatus(witnessEvent.id(), witnessEndpoint.id())));
        await().atMost(TIMEOUT)
                .until(() -> !strings("SELECT 1 FROM dispatcher_processed_event WHERE event_id = ?", later.id())
                        .isEmpty());
        assertThat(deliveryId(later.id(), endpoint.id())).isNull();
        assertThat(receiver.count("/gone")).isEqualTo(1);
    }

    @Test
    void anEndpointThatRefusesConnectionsIsRetriedWithTheErrorLogged() throws Exception {
        TestTenant tenant = TestTenant.fresh("refused");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RegisteredEndpoint endpoint = register("http://127.0.0.1:" + closedPort + "/nobody", tenant.tenantId());
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.id())));
        List<Attempt> logged = attemptsOf(event.id(), endpoint.id());
        assertThat(logged).hasSize(SCHEDULE.size());
        assertThat(logged).allSatisfy(a -> {
            assertThat(a.responseStatus()).isNull();
            assertThat(a.error()).isNotBlank();
        });
    }

    private List<Attempt> attemptsOf(String eventId, String endpointId) throws Exception {
        String delivery = deliveryId(eventId, endpointId);
        if (delivery == null) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection()) {
            return attempts.findByDelivery(connection, UUID.fromString(delivery));
        }
    }
}
