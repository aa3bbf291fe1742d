package dev.tenantry.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.support.deadletter.ConsumerTestbed;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.RealInfrastructure;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A channel on real Kafka: what a stop leaves for the next consumer of the group. */
@RealInfrastructure
class ChannelShutdownIT {

    @Test
    void recordsHandledBeforeACleanStopAreNotHandledAgainByTheNextConsumer(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "clean-stop")) {
            RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(100));
            Set<String> sent = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 20; i++) {
                sent.add(bed.send().id());
            }
            Set<String> handledFirst = ConcurrentHashMap.newKeySet();
            try (TestChannel first = bed.consumer(policy, (e, r) -> handledFirst.add(e.id()))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> handledFirst.containsAll(sent));
            }

            String later = bed.send().id();
            Set<String> handledSecond = ConcurrentHashMap.newKeySet();
            try (TestChannel second = bed.consumer(policy, (e, r) -> handledSecond.add(e.id()))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> handledSecond.contains(later));
            }
            assertThat(handledSecond).containsExactly(later);
        }
    }

    @Test
    void aRecordFailingTransientlyDuringShutdownIsLeftUncommittedAndReadAgainNotDeadLettered(Infrastructure infra)
            throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "shutdown")) {
            EventEnvelope<TenantRollbackRequested> event = bed.send();
            AtomicInteger attempts = new AtomicInteger();
            // Many patient retries: only the shutdown can end them.
            RetryPolicy patient = new RetryPolicy(1000, Duration.ofMillis(100), Duration.ofMillis(200));
            TestChannel first = bed.consumer(patient, (e, r) -> {
                attempts.incrementAndGet();
                throw new ConnectException("database unreachable");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() >= 2);
            first.close();
            int attemptsAtClose = attempts.get();

            Set<String> handled = ConcurrentHashMap.newKeySet();
            try (TestChannel second = bed.consumer(patient, (e, r) -> handled.add(e.id()))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(event.id()));
            }
            assertThat(attempts.get()).isEqualTo(attemptsAtClose);
            assertThat(bed.registry
                            .find("tenantry.dlq.records")
                            .tag("group", bed.group)
                            .counters())
                    .as("dead letters counted")
                    .isEmpty();
            assertThat(bed.recordCount(bed.deadLetterTopic)).isZero();
        }
    }
}
