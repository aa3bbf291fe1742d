package dev.tenantry.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.support.deadletter.ConsumerTestbed;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.RealInfrastructure;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A record that fails because PostgreSQL (or Kafka) is away is not at fault: past its retries it
 * waits for the dependency, uncommitted, instead of being dead-lettered; only a record that keeps
 * failing so past the outage patience is dead-lettered, so that it cannot block its partition.
 */
@RealInfrastructure
class DependencyAwayIT {

    private static final RetryPolicy QUICK_RETRIES = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));

    @Test
    void aRecordFailingWhileTheDatabaseIsAwayIsHandledOnceItIsBackAndNeverDeadLettered(Infrastructure infra)
            throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "dbaway")) {
            AtomicBoolean away = new AtomicBoolean(true);
            AtomicInteger attempts = new AtomicInteger();
            Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
            EventEnvelope<TenantRollbackRequested> event = bed.send();
            try (TestChannel consumer = bed.consumer(bed.group, QUICK_RETRIES, Duration.ofMinutes(10), (e, r) -> {
                attempts.incrementAndGet();
                if (away.get()) {
                    throw new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
                }
                handled.computeIfAbsent(e.id(), id -> new AtomicInteger()).incrementAndGet();
            })) {
                // Three times the retries: well past them, and still waiting for the database.
                await().atMost(Duration.ofSeconds(60)).until(() -> attempts.get() >= 3 * 3);
                assertThat(bed.recordCount(bed.deadLetterTopic))
                        .as("dead letters while away")
                        .isZero();
                away.set(false);
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.containsKey(event.id()));
            }
            assertThat(handled.get(event.id())).hasValue(1);
            assertThat(bed.recordCount(bed.deadLetterTopic)).as("dead letters").isZero();
        }
    }

    @Test
    void aRecordThatKeepsFailingAsIfTheDatabaseWereAwayIsDeadLetteredOnceThePatienceHasRunOut(Infrastructure infra)
            throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "dbawaypoison")) {
            Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
            EventEnvelope<TenantRollbackRequested> poison = bed.send();
            EventEnvelope<TenantRollbackRequested> next = bed.send();
            try (TestChannel consumer = bed.consumer(bed.group, QUICK_RETRIES, Duration.ofSeconds(2), (e, r) -> {
                if (e.id().equals(poison.id())) {
                    throw new SQLException("terminating connection due to administrator command", "57P01");
                }
                handled.computeIfAbsent(e.id(), id -> new AtomicInteger()).incrementAndGet();
            })) {
                var letter = bed.await(bed.deadLetterTopic, poison.id(), null);
                assertThat(ConsumerTestbed.header(letter, DeadLetterHeaders.REASON))
                        .contains("retries exhausted");
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.containsKey(next.id()));
            }
        }
    }
}
