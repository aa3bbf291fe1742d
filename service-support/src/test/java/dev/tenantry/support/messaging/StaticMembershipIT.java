package dev.tenantry.support.messaging;

import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.support.deadletter.ConsumerTestbed;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.RealInfrastructure;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

/**
 * A consumer process killed and started again under the same instance id gets its partitions back
 * at once. As a dynamic member it would wait, consuming nothing, until the broker expired the dead
 * member's session: a worker crashing more often than its session timeout never consumed again.
 */
@RealInfrastructure
class StaticMembershipIT {

    private static final RetryPolicy NO_RETRY = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    /**
     * What a killed process leaves behind: a member that never said goodbye (no LeaveGroup on
     * close), whose session the broker expires only after 90 s, longer than the test waits.
     */
    private static final Map<String, Object> DIES_WITHOUT_LEAVING =
            Map.of(CommonClientConfigs.SESSION_TIMEOUT_MS_CONFIG, 90_000, "internal.leave.group.on.close", false);

    @Test
    void aConsumerRestartedUnderItsInstanceIdConsumesAgainWithoutWaitingForTheDeadMembersSession(Infrastructure infra)
            throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "staticmember")) {
            Set<String> handled = ConcurrentHashMap.newKeySet();
            EventConsumer.Settings settings = new EventConsumer.Settings(
                            bed.bootstrapServers, bed.topic, bed.group, 1, NO_RETRY, DIES_WITHOUT_LEAVING)
                    .withInstanceId(Optional.of("worker-a"));

            EventEnvelope<TenantRollbackRequested> beforeTheCrash = bed.send();
            try (EventConsumer crashed =
                    new EventConsumer(settings, (e, r) -> handled.add(e.id()), bed.deadLetters, bed.registry)) {
                crashed.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains(beforeTheCrash.id()));
            }

            EventEnvelope<TenantRollbackRequested> afterTheRestart = bed.send();
            try (EventConsumer restarted =
                    new EventConsumer(settings, (e, r) -> handled.add(e.id()), bed.deadLetters, bed.registry)) {
                restarted.start();
                // Half the dead member's session: a dynamic member would still be waiting for it.
                await().atMost(Duration.ofSeconds(45)).until(() -> handled.contains(afterTheRestart.id()));
            }
        }
    }
}
