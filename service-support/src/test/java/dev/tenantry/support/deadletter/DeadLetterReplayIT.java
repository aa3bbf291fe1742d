package dev.tenantry.support.deadletter;

import static dev.tenantry.support.deadletter.ConsumerTestbed.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.support.messaging.RetryPolicy;
import dev.tenantry.support.messaging.TestChannel;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.RealInfrastructure;
import dev.tenantry.testinfra.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Replays and their cap, and what a dead letter says about its failure, on real Kafka. */
@RealInfrastructure
class DeadLetterReplayIT {

    private static final RetryPolicy NO_RETRY = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    @Test
    void aPoisonedRecordFixedAndReplayedReachesTheFailedGroupExactlyOnceAndNoOtherGroup(Infrastructure infra)
            throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "exactlyonce")) {
            AtomicBoolean fixed = new AtomicBoolean();
            Map<String, AtomicInteger> handledByFailedGroup = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> handledByBystander = new ConcurrentHashMap<>();
            EventEnvelope<TenantRollbackRequested> poisoned = bed.send();
            try (TestChannel failing = bed.consumer(NO_RETRY, (e, r) -> {
                        if (!fixed.get()) {
                            throw new IllegalStateException("poisoned until fixed");
                        }
                        count(handledByFailedGroup, e.id()).incrementAndGet();
                    });
                    TestChannel bystander = bed.consumer(
                            TestNames.unique("bystander"),
                            NO_RETRY,
                            Duration.ofMinutes(10),
                            (e, r) -> count(handledByBystander, e.id()).incrementAndGet())) {
                bed.await(bed.deadLetterTopic, poisoned.id(), null);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(handledByBystander, poisoned.id()).get() == 1);

                fixed.set(true);
                assertThat(bed.admin(3).replay(byEventId(poisoned.id())).replayed())
                        .hasSize(1);
                // The topic has one partition: once both groups handled a later event, both have read
                // past the replayed record.
                EventEnvelope<TenantRollbackRequested> later = bed.send();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(handledByFailedGroup, later.id()).get() == 1
                                && count(handledByBystander, later.id()).get() == 1);
            }
            assertThat(count(handledByFailedGroup, poisoned.id())).hasValue(1);
            assertThat(count(handledByBystander, poisoned.id())).hasValue(1);
        }
    }

    @Test
    void aDryRunNamesWhatItWouldReplayAndSendsNothing(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "dryrun")) {
            AtomicBoolean fixed = new AtomicBoolean();
            Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
            EventEnvelope<TenantRollbackRequested> poisoned = bed.send();
            try (TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {
                if (!fixed.get()) {
                    throw new IllegalStateException("poisoned until fixed");
                }
                count(handled, e.id()).incrementAndGet();
            })) {
                bed.await(bed.deadLetterTopic, poisoned.id(), null);
                fixed.set(true);
                DeadLetterAdmin admin = bed.admin(3);
                ReplayResult dryRun =
                        admin.replay(new ReplayRequest(null, poisoned.id(), null, null, null, true, null));
                assertThat(dryRun.dryRun()).isTrue();
                assertThat(dryRun.replayed()).extracting(DeadLetter::eventId).containsExactly(poisoned.id());

                EventEnvelope<TenantRollbackRequested> later = bed.send();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(handled, later.id()).get() == 1);
                assertThat(count(handled, poisoned.id())).hasValue(0);
                // Nor was it counted: the first real replay is replay 1.
                assertThat(admin.replay(byEventId(poisoned.id())).replayed())
                        .extracting(DeadLetter::replayCount)
                        .containsExactly(0);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> count(handled, poisoned.id()).get() == 1);
            }
        }
    }

    private static AtomicInteger count(Map<String, AtomicInteger> handled, String eventId) {
        return handled.computeIfAbsent(eventId, k -> new AtomicInteger());
    }

    @Test
    void replayingTheSameLetterTwiceInARowCountsBothReplaysAndTheCapRefusesTheThird(Infrastructure infra)
            throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "capped")) {
            EventEnvelope<TenantRollbackRequested> event = bed.send();
            try (TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {
                throw new IllegalStateException("poisoned");
            })) {
                bed.await(bed.deadLetterTopic, event.id(), null);
            }
            // The consumer is gone: no replay can fail back and carry its count to the dead-letter
            // topic. Only the replays recorded on their own can hold the cap.
            DeadLetterAdmin admin = bed.admin(2);
            ReplayResult first = admin.replay(byEventId(event.id()));
            ReplayResult second = admin.replay(byEventId(event.id()));
            ReplayResult third = admin.replay(byEventId(event.id()));

            assertThat(first.replayed()).extracting(DeadLetter::replayCount).containsExactly(0);
            assertThat(second.replayed()).extracting(DeadLetter::replayCount).containsExactly(1);
            assertThat(third.replayed()).isEmpty();
            assertThat(third.refused())
                    .singleElement()
                    .satisfies(refused ->
                            assertThat(refused.reason()).isEqualTo("replayed 2 time(s) already; the cap is 2"));
            assertThat(bed.await(bed.topic, event.id(), "1")).isNotNull();
            assertThat(header(bed.await(bed.topic, event.id(), "2"), "tenantry-replay-group"))
                    .isEqualTo(bed.group);
            assertThat(admin.list(bed.group, null, null, null, 100, null).items())
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.replayCount()).isEqualTo(2));
        }
    }

    @Test
    void aLetterDeadLetteredLongerAgoThanTheReplayWindowIsRefused(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "window")) {
            EventEnvelope<TenantRollbackRequested> event = bed.send();
            ConsumerRecord<String, byte[]> dead;
            try (TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {
                throw new IllegalStateException("poisoned");
            })) {
                dead = bed.await(bed.deadLetterTopic, event.id(), null);
            }
            // The same letter as if dead-lettered two days ago: the newest copy is the one replayed.
            bed.kafka
                    .producer()
                    .send(new ProducerRecord<>(
                            bed.deadLetterTopic,
                            null,
                            Instant.now().minus(Duration.ofDays(2)).toEpochMilli(),
                            dead.key(),
                            dead.value(),
                            dead.headers()))
                    .get();

            ReplayResult refused = bed.admin(3, Duration.ofDays(1)).replay(byEventId(event.id()));

            assertThat(refused.replayed()).isEmpty();
            assertThat(refused.refused())
                    .singleElement()
                    .satisfies(r -> assertThat(r.reason())
                            .isEqualTo(
                                    "dead-lettered more than PT24H ago (tenantry.dead-letters.replay-window): a repeat "
                                            + "could no longer be recognised"));
            assertThat(bed.admin(3, Duration.ofDays(7))
                            .replay(byEventId(event.id()))
                            .replayed())
                    .hasSize(1);
        }
    }

    @Test
    void aReplayedRecordThatFailsAgainKeepsTheFirstFailureTimeOfItsDeadLetter(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "firstfailure")) {
            Instant sent = Instant.now();
            EventEnvelope<TenantRollbackRequested> event = bed.send();
            try (TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {
                throw new IllegalStateException("no schema for " + e.id());
            })) {
                ConsumerRecord<String, byte[]> dead = bed.await(bed.deadLetterTopic, event.id(), null);
                Instant firstFailure = Instant.parse(header(dead, "dlq-first-failure-time"));
                assertThat(firstFailure).isBetween(sent.minusSeconds(1), Instant.now());
                assertThat(header(dead, "dlq-error-message")).isEqualTo("no schema for " + event.id());
                assertThat(header(dead, "dlq-error-class")).isEqualTo(IllegalStateException.class.getName());
                assertThat(header(dead, "dlq-reason")).isEqualTo("permanent failure: no schema for " + event.id());

                Thread.sleep(50); // a second failure now is measurably later than the first
                bed.admin(3).replay(byEventId(event.id()));

                ConsumerRecord<String, byte[]> again = bed.await(bed.deadLetterTopic, event.id(), "1");
                assertThat(again.offset()).isGreaterThan(dead.offset());
                assertThat(Instant.ofEpochMilli(again.timestamp())).isAfter(firstFailure);
                assertThat(header(again, "dlq-first-failure-time")).isEqualTo(firstFailure.toString());
                assertThat(header(again, "dlq-error-message")).isEqualTo("no schema for " + event.id());
            }
        }
    }

    @Test
    void theSizeGaugeCountsTheRecordsOnTheDeadLetterTopicAndIgnoresReplays(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "sized")) {
            DeadLetterSizes sizes = new DeadLetterSizes(bed.sources, bed.registry, bed.bootstrapServers, Duration.ZERO);
            try (TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {
                throw new IllegalStateException("poisoned");
            })) {
                sizes.measure();
                assertThat(size(bed)).as("no dead-letter topic yet").isZero();

                EventEnvelope<TenantRollbackRequested> event = bed.send();
                bed.await(bed.deadLetterTopic, event.id(), null);
                sizes.measure();
                assertThat(size(bed)).isEqualTo(1);

                // The replay fails again: a second dead letter, while the replay log is not counted.
                bed.admin(3).replay(byEventId(event.id()));
                bed.await(bed.deadLetterTopic, event.id(), "1");
                sizes.measure();
                assertThat(size(bed)).isEqualTo(2);
                bed.send();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    sizes.measure();
                    assertThat(size(bed)).isEqualTo(3);
                });
            } finally {
                sizes.close();
            }
        }
    }

    @Test
    void theReplayCapHoldsPerOriginalRecordForGarbageWithoutAnEventId(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "garbage")) {
            try (TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {
                throw new IllegalStateException("never called: garbage does not decode");
            })) {
                bed.kafka
                        .producer()
                        .send(new ProducerRecord<>(
                                bed.topic, "garbage-key", "garbage, not a CloudEvent".getBytes(StandardCharsets.UTF_8)))
                        .get();
                await().atMost(Duration.ofSeconds(30)).until(() -> bed.recordCount(bed.deadLetterTopic) == 1);
                DeadLetterAdmin admin = bed.admin(3);
                for (int call = 1; call <= 8; call++) {
                    long before = bed.recordCount(bed.deadLetterTopic);
                    ReplayResult result = admin.replay(new ReplayRequest(null, null, null, null, true, null, null));
                    // Each replayed copy fails again and is dead-lettered again before the next call.
                    long expected = before + result.replayed().size();
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> bed.recordCount(bed.deadLetterTopic) == expected);
                    if (call > 3) {
                        assertThat(result.replayed()).as("call " + call).isEmpty();
                        assertThat(result.refused())
                                .singleElement()
                                .satisfies(refused -> assertThat(refused.reason())
                                        .isEqualTo("replayed 3 time(s) already; the cap is 3"));
                    }
                }
                assertThat(bed.recordCount(bed.topic))
                        .as("the original and its 3 replays")
                        .isEqualTo(4);
                DeadLetterPage letters = admin.list(bed.group, null, null, null, 100, null);
                assertThat(letters.items())
                        .hasSize(4)
                        .extracting(DeadLetter::origin)
                        .containsOnly(bed.topic + "/0/0");
                assertThat(letters.items().get(0).replayCount()).isEqualTo(3);
            }
        }
    }

    @Test
    void listingReadsNewestFirstAPageAtATimeAndSaysWhenItStoppedAtTheScanLimit(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "paged")) {
            {
                for (int i = 0; i < 25; i++) {
                    bed.deadLetters.deadLetter(
                            new ConsumerRecord<>(
                                    bed.topic,
                                    0,
                                    i,
                                    "tenant-" + i,
                                    ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)),
                            bed.group,
                            "test letter " + i,
                            null,
                            1,
                            Instant.now());
                }
                DeadLetterAdmin admin = new DeadLetterAdmin(
                        bed.sources,
                        bed.publisher,
                        bed.replayLog,
                        bed.bootstrapServers,
                        3,
                        10,
                        java.time.Duration.ofDays(7));

                DeadLetterPage newest = admin.list(null, null, null, null, 5, null);
                assertThat(newest.items())
                        .extracting(DeadLetter::tenant)
                        .containsExactly("tenant-24", "tenant-23", "tenant-22", "tenant-21", "tenant-20");
                assertThat(newest.partial()).isFalse();
                DeadLetterPage older = admin.list(null, null, null, null, 5, newest.nextCursor());
                assertThat(older.items())
                        .extracting(DeadLetter::tenant)
                        .containsExactly("tenant-19", "tenant-18", "tenant-17", "tenant-16", "tenant-15");

                // The oldest letter is beyond the scan limit of 10 records: the page says so.
                DeadLetterPage first = admin.list(null, "tenant-0", null, null, 5, null);
                assertThat(first.items()).isEmpty();
                assertThat(first.partial()).isTrue();
                DeadLetterPage page = first;
                int pages = 1;
                while (page.items().isEmpty() && page.nextCursor() != null) {
                    page = admin.list(null, "tenant-0", null, null, 5, page.nextCursor());
                    pages++;
                }
                assertThat(page.items()).extracting(DeadLetter::tenant).containsExactly("tenant-0");
                assertThat(page.partial()).isFalse();
                assertThat(page.nextCursor()).isNull();
                assertThat(pages).isEqualTo(3);
                assertThat(admin.find(page.items().get(0).id()))
                        .hasValueSatisfying(
                                letter -> assertThat(letter.reason()).isEqualTo("test letter 0"));
            }
        }
    }

    private static double size(ConsumerTestbed bed) {
        return bed.registry
                .get("tenantry.dlq.size")
                .tag("topic", bed.deadLetterTopic)
                .tag("group", bed.group)
                .gauge()
                .value();
    }

    private static ReplayRequest byEventId(String eventId) {
        return new ReplayRequest(null, eventId, null, null, null, null, null);
    }
}
