package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.queryInt;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static dev.tenantry.dispatcher.DispatcherTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.RegisteredEndpoint;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.ClaimedDelivery;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.SecretRepository;
import dev.tenantry.dispatcher.service.AttemptRecorder;
import dev.tenantry.dispatcher.service.AttemptRecorder.Completed;
import dev.tenantry.dispatcher.service.DeliveryEngine;
import dev.tenantry.dispatcher.service.SigningKeys;
import dev.tenantry.dispatcher.service.WebhookSender;
import dev.tenantry.testinfra.TenantryTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several dispatcher instances share one queue. Two instances are played by two threads that
 * claim through the repository at the same moment (a barrier starts every round), send what they
 * claimed through the real sender and record the outcomes, as the engine does. This instance's
 * own engine is paused meanwhile, so the two are the only claimers.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class SharedQueueIT {

    private static final Logger LOG = Logger.getLogger(SharedQueueIT.class);
    private static final int EVENTS = 20;
    private static final int CLAIM_SIZE = 7;
    private static WebhookReceiver receiver;

    @Inject
    DeliveryEngine engine;

    @Inject
    DeliveryRepository deliveries;

    @Inject
    SecretRepository secrets;

    @Inject
    SigningKeys keys;

    @Inject
    WebhookSender sender;

    @Inject
    AttemptRecorder recorder;

    @Inject
    AgroalDataSource dataSource;

    private final SecureRandom random = new SecureRandom();

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
    void twoInstancesClaimingTheSameDueDeliveriesAtOnceTakeDisjointSetsAndEachDeliveryIsSentOnce() throws Exception {
        TestTenant tenant = TestTenant.fresh("shared");
        List<RegisteredEndpoint> endpoints = new ArrayList<>();
        for (String path : List.of("/shared-a", "/shared-b", "/shared-c")) {
            endpoints.add(register(receiver.url(path), tenant.tenantId()));
        }
        List<EventEnvelope<TenantActivated>> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(tenant.activated());
        }
        int expected = EVENTS * endpoints.size();

        engine.pause();
        events.forEach(DispatcherTestSupport::publish);
        await().atMost(TIMEOUT)
                .until(() -> queryInt(
                                "SELECT count(*) FROM webhook_delivery WHERE tenant_id = ? AND status = 'pending'",
                                tenant.tenantId())
                        == expected);
        Set<UUID> ours = endpoints.stream().map(e -> UUID.fromString(e.id())).collect(Collectors.toSet());
        // Deliveries other tests left behind are not this test's business: leave their endpoints out.
        List<UUID> others = strings("SELECT id::text FROM webhook_endpoint").stream()
                .map(UUID::fromString)
                .filter(id -> !ours.contains(id))
                .toList();

        CyclicBarrier barrier = new CyclicBarrier(2);
        int[] claimedThisRound = new int[2];
        ExecutorService instances = Executors.newFixedThreadPool(2);
        List<Future<List<ClaimedDelivery>>> claims = new ArrayList<>();
        try {
            for (int instance = 0; instance < 2; instance++) {
                int me = instance;
                claims.add(instances.submit(() -> claimAndSendUntilEmpty(me, others, barrier, claimedThisRound)));
            }
            List<ClaimedDelivery> first = claims.get(0).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<ClaimedDelivery> second = claims.get(1).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            LOG.infof("Instance one claimed %d deliveries, instance two %d", first.size(), second.size());

            Set<UUID> firstIds = ids(first);
            Set<UUID> secondIds = ids(second);
            assertThat(firstIds).as("no delivery claimed twice by one instance").hasSize(first.size());
            assertThat(secondIds)
                    .as("no delivery claimed twice by one instance")
                    .hasSize(second.size());
            assertThat(firstIds).as("claimed by both instances").doesNotContainAnyElementsOf(secondIds);
            Set<UUID> all = new HashSet<>(firstIds);
            all.addAll(secondIds);
            assertThat(all)
                    .containsExactlyInAnyOrderElementsOf(
                            strings("SELECT id::text FROM webhook_delivery WHERE tenant_id = ?", tenant.tenantId())
                                    .stream()
                                    .map(UUID::fromString)
                                    .toList());
        } finally {
            instances.shutdownNow();
        }

        // The receiver's view: every event once per endpoint, nothing twice.
        for (String path : List.of("/shared-a", "/shared-b", "/shared-c")) {
            Map<String, Long> perWebhookId = receiver.requests(path).stream()
                    .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
            assertThat(perWebhookId)
                    .as(path)
                    .hasSize(EVENTS)
                    .allSatisfy((id, count) -> assertThat(count).isOne());
            assertThat(perWebhookId.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            events.stream().map(EventEnvelope::id).toList());
        }
        assertThat(strings(
                        "SELECT status || ' ' || attempt_count FROM webhook_delivery WHERE tenant_id = ?",
                        tenant.tenantId()))
                .hasSize(expected)
                .containsOnly("delivered 1");
    }

    /**
     * One "instance": each round it claims at the same moment as the other, then sends and records
     * what it got. Rounds go on until both came back empty-handed in the same round.
     */
    private List<ClaimedDelivery> claimAndSendUntilEmpty(
            int me, Collection<UUID> others, CyclicBarrier barrier, int[] claimedThisRound) throws Exception {
        List<ClaimedDelivery> mine = new ArrayList<>();
        while (true) {
            barrier.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<ClaimedDelivery> claimed;
            try (Connection connection = dataSource.getConnection()) {
                claimed = deliveries
                        .claim(connection, CLAIM_SIZE, others, Map.of(), 1000, Duration.ofMinutes(1), random.nextLong())
                        .deliveries();
            }
            mine.addAll(claimed);
            send(claimed);
            claimedThisRound[me] = claimed.size();
            barrier.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (claimedThisRound[0] + claimedThisRound[1] == 0) {
                return mine;
            }
        }
    }

    private void send(List<ClaimedDelivery> claimed) throws Exception {
        if (claimed.isEmpty()) {
            return;
        }
        Map<UUID, List<byte[]>> signing;
        try (Connection connection = dataSource.getConnection()) {
            signing = keys.forEndpoints(secrets.signing(
                    connection,
                    claimed.stream().map(ClaimedDelivery::endpointId).collect(Collectors.toSet())));
        }
        List<Completed> done = new ArrayList<>();
        for (ClaimedDelivery delivery : claimed) {
            AttemptResult result = sender.send(
                            delivery.url(),
                            delivery.eventId(),
                            delivery.payload().getBytes(StandardCharsets.UTF_8),
                            signing.get(delivery.endpointId()))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            done.add(new Completed(delivery, result, true));
        }
        recorder.write(done);
    }

    private static Set<UUID> ids(List<ClaimedDelivery> claimed) {
        return claimed.stream().map(ClaimedDelivery::id).collect(Collectors.toSet());
    }
}
