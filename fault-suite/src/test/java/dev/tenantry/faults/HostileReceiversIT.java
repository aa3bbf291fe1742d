package dev.tenantry.faults;

import static dev.tenantry.faults.EventInvariants.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.Topics;
import dev.tenantry.faults.HostileReceiver.Behaviour;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, hostile webhook receivers. Seven endpoints misbehave, each in its own way: one never
 * answers, one answers a byte every few seconds, one answers 200 with a body of a gigabyte, one
 * redirects to the cloud metadata address 169.254.169.254, one redirects to a canary receiver on
 * loopback, one answers 500 forever, one answers 410 Gone. Beside them the stack's own demo
 * receiver behaves. A few tenants are provisioned, so that every endpoint is sent their lifecycle
 * events. Judged from the dispatcher's own records (deliveries, attempts, endpoints, through its
 * tables and its API), from what the receivers saw, and from the dispatcher process itself:
 *
 * <ul>
 *   <li>every attempt ended within the configured request timeout (plus a margin), the
 *       never-answering and trickling receivers included, and each of their connections was
 *       closed by the dispatcher within that time;</li>
 *   <li>the dispatcher's resident memory stayed under a stated bound while it was sent the huge
 *       bodies, it read only a bounded part of each, and it stayed ready throughout;</li>
 *   <li>no redirect was followed (the canary never saw a connection) and each is a failed attempt
 *       that names the redirect status;</li>
 *   <li>failures that may pass (timeouts, 5xx, 3xx) were retried following the configured schedule
 *       and the delivery then failed; 410 was not retried and disabled its endpoint;</li>
 *   <li>the healthy receiver got every lifecycle event, each on its first attempt and without
 *       waiting behind a hostile request, while the hostile deliveries were still being retried;</li>
 *   <li>and, once everything has settled, the invariant checker finds nothing.</li>
 * </ul>
 *
 * <p>Runs only with {@code -Pfaults}.
 */
class HostileReceiversIT {

    private static final String SCENARIO = "hostile-receivers";
    private static final int TENANTS = 6;
    private static final String METADATA_URL = "http://169.254.169.254/latest/meta-data/";

    /*
     * The dispatcher's delivery settings for this stack, given to it through its environment. The
     * production schedule (0s,5s,5m,30m,2h,5h,10h,10h) would keep the scenario waiting for a day;
     * this one keeps its shape (immediately, then growing steps) in under a minute, and its steps
     * differ enough that an attempt taken at the wrong step of the schedule falls outside the
     * tolerance below. Jitter and timeouts are the production defaults, given explicitly so that
     * the test judges the dispatcher by what it was told rather than by what it assumes.
     */
    private static final List<Duration> RETRY_SCHEDULE =
            List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30));
    private static final double JITTER = 0.2;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How far past the request timeout an attempt may end: the deadline is a timer on a Vert.x
     * event loop, which on two cores shared with PostgreSQL, Kafka, four other JVMs and the
     * receivers' threads may fire late by a GC pause or a busy loop.
     */
    private static final Duration ATTEMPT_MARGIN = Duration.ofSeconds(3);
    /**
     * How much later than the schedule (plus its jitter) a retry may start: the outcome is written
     * in a batch, the claimer looks at the queue every 500 ms unless signalled, and the machine is
     * loaded. Below the schedule there is no slack beyond the clocks' millisecond rounding: the
     * next attempt is due only once the delay has passed after the failed one was written.
     */
    private static final Duration SCHEDULE_SLACK = Duration.ofSeconds(5);

    private static final Duration CLOCK_ROUNDING = Duration.ofMillis(100);
    /**
     * Memory bound: a quarter of one huge body above the resident set the dispatcher had just
     * before the burst. The dispatcher keeps 4 KB of a response and drains at most 1 MiB of it;
     * holding even one of the 1 GiB bodies, or a fair part of several, would break the bound.
     */
    private static final long RSS_HEADROOM_KIB = 256 * 1024;
    /**
     * What the huge-body receiver may have written on one connection before the dispatcher
     * closed it: the 1 MiB the dispatcher drains, plus what loopback socket buffers hold.
     */
    private static final long HUGE_BODY_WRITTEN_LIMIT = 64L << 20;

    private static final Set<String> LIFECYCLE_OF_A_NEW_TENANT =
            Set.of(EventType.Types.TENANT_PROVISIONING_STARTED, EventType.Types.TENANT_ACTIVATED);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<HostileReceiver, String> endpointOf = new LinkedHashMap<>();
    private RunningSystem system;
    private DataSource database;
    private HttpClient http;
    private List<HostileReceiver> hostile;
    private List<HostileReceiver> retried;
    private HostileReceiver canary;
    private HostileReceiver silent;
    private HostileReceiver trickle;
    private HostileReceiver huge;
    private HostileReceiver toMetadata;
    private HostileReceiver toCanary;
    private HostileReceiver serverError;
    private HostileReceiver gone;

    @Test
    void hostileReceiversCostBoundedTimeAndMemoryAndNeverHoldUpAHealthyOne() throws Exception {
        List<HostileReceiver> all = new ArrayList<>();
        ExecutorService connections = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "hostile-scenario-http");
            thread.setDaemon(true);
            return thread;
        });
        http = HttpClient.newBuilder()
                .executor(connections)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        try {
            canary = started(all, HostileReceiver.start("canary", Behaviour.CANARY));
            silent = started(all, HostileReceiver.start("silent", Behaviour.SILENT));
            trickle = started(all, HostileReceiver.start("trickle", Behaviour.TRICKLE));
            huge = started(all, HostileReceiver.start("huge-body", Behaviour.HUGE_BODY));
            toMetadata = started(all, HostileReceiver.start("redirect-metadata", Behaviour.REDIRECT_302, METADATA_URL));
            toCanary = started(all, HostileReceiver.start("redirect-canary", Behaviour.REDIRECT_307, canary.url()));
            serverError = started(all, HostileReceiver.start("error-500", Behaviour.SERVER_ERROR));
            gone = started(all, HostileReceiver.start("gone-410", Behaviour.GONE));
            hostile = List.of(silent, trickle, huge, toMetadata, toCanary, serverError, gone);
            retried = List.of(silent, trickle, toMetadata, toCanary, serverError);
            try (RunningSystem running = RunningSystem.start("fault-stack-" + SCENARIO, dispatcherSettings())) {
                system = running;
                database = running.dataSource();
                run();
            }
        } finally {
            for (HostileReceiver receiver : all) {
                receiver.close();
            }
            connections.shutdownNow();
        }
    }

    /** The stack passes its environment on to the services it starts. */
    private static Map<String, String> dispatcherSettings() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(
                "TENANTRY_DISPATCHER_DELIVERY_RETRY_SCHEDULE",
                RETRY_SCHEDULE.stream().map(d -> d.toMillis() + "ms").collect(Collectors.joining(",")));
        environment.put("TENANTRY_DISPATCHER_DELIVERY_JITTER", Double.toString(JITTER));
        environment.put("TENANTRY_DISPATCHER_DELIVERY_REQUEST_TIMEOUT", REQUEST_TIMEOUT.toMillis() + "ms");
        environment.put("TENANTRY_DISPATCHER_DELIVERY_CONNECT_TIMEOUT", CONNECT_TIMEOUT.toMillis() + "ms");
        return environment;
    }

    private static HostileReceiver started(List<HostileReceiver> all, HostileReceiver receiver) {
        all.add(receiver);
        return receiver;
    }

    private void run() throws Exception {
        InvariantChecker checker = new InvariantChecker(database, system.kafkaBootstrap());
        for (HostileReceiver receiver : hostile) {
            endpointOf.put(receiver, register(receiver));
        }
        String healthy = text("SELECT id::text FROM webhook_endpoint WHERE url = ?", system.receiverUrl());
        assertThat(healthy).as("the stack's demo receiver is registered").isNotNull();
        System.out.printf(
                "[fault-suite] %s: %d hostile endpoints and the demo receiver %s; %d tenants; "
                        + "retry schedule %s, jitter %.2f, request timeout %s%n",
                SCENARIO, hostile.size(), system.receiverUrl(), TENANTS, RETRY_SCHEDULE, JITTER, REQUEST_TIMEOUT);

        StackComponentStatus dispatcherBefore = system.component("webhook-dispatcher");
        long baselineRssKib = ServiceWatch.rssKib(dispatcherBefore.pid());
        Instant since = Instant.now();
        List<Signup> signups;
        long hostileStillQueued;
        List<String> timedOut = new ArrayList<>();
        ServiceWatch watch = new ServiceWatch(dispatcherBefore.pid(), system.dispatcherUrl());
        try {
            List<String> slugs = IntStream.range(0, TENANTS)
                    .mapToObj(i -> String.format("hostile_%02d", i))
                    .toList();
            try (TenantBurst burst = new TenantBurst(
                    slugs,
                    Collections.nCopies(TENANTS, false),
                    system.provisioningUrl(),
                    system.token(),
                    new DoomedSchema(database),
                    TENANTS)) {
                burst.release(TENANTS);
                signups = burst.awaitAnswered(Duration.ofMinutes(5));
            }
            Settling settling = new Settling(database);
            settling.awaitTenantsFinal(Duration.ofMinutes(10));
            int expected = TENANTS * LIFECYCLE_OF_A_NEW_TENANT.size();
            // A wait that runs out is reported with the assertions below, which then say what is wrong.
            awaitOrNote(
                    timedOut,
                    () -> await("the healthy receiver has every lifecycle event of the new tenants")
                            .atMost(Duration.ofMinutes(5))
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> count(
                                            "SELECT count(*) FROM webhook_delivery WHERE endpoint_id = ?::uuid "
                                                    + "AND status = 'delivered'",
                                            healthy)
                                    >= expected));
            hostileStillQueued = count(
                    "SELECT count(*) FROM webhook_delivery WHERE status = 'pending' "
                            + "AND endpoint_id::text = ANY (?)",
                    ids(retried));
            System.out.printf(
                    "[fault-suite] %s: healthy receiver complete; %d hostile deliveries still queued "
                            + "for a retry%n",
                    SCENARIO, hostileStillQueued);
            // Four attempts of up to 15 s each and 50 s of schedule in between, plus the writes.
            awaitOrNote(timedOut, () -> settling.awaitOutboxAndWebhooksSettled(Duration.ofMinutes(10)));
        } finally {
            watch.close();
        }
        Settling settling = new Settling(database);
        settling.awaitCaughtUp(() -> checker.check(since), Duration.ofMinutes(5));
        // No dead letter is explained: a receiver's misbehaviour is the dispatcher's to handle
        // (the delivery fails, the endpoint is disabled), never a reason to dead-letter an event.
        // Once every delivery has settled no webhook rule has anything to flag either: the
        // disabled 410 endpoint is outside WEBHOOK_NOT_QUEUED, failed deliveries are settled,
        // and no hostile attempt succeeded but the huge-body ones, which were not tried again.
        InvariantReport report = checker.check(since);

        Map<String, String> statuses = TenantStatuses.of(signups, system.provisioningUrl(), system.token());
        List<Delivery> deliveries = deliveries();
        Map<String, List<Attempt>> attempts = attempts();
        StackComponentStatus dispatcherAfter = system.component("webhook-dispatcher");
        Set<String> tenantIds = signups.stream().map(Signup::id).collect(Collectors.toCollection(TreeSet::new));

        ScenarioSummary summary = new ScenarioSummary(
                SCENARIO,
                "hostile webhook receivers: never answering, "
                        + "trickling a byte every " + HostileReceiver.TRICKLE_PAUSE.toSeconds()
                        + " s, 200 with a 1 GiB "
                        + "body, 302 to 169.254.169.254, 307 to a loopback canary, 500 forever, 410 Gone",
                hostile.size(),
                signups.size(),
                report.violations().size(),
                report.deadLetters(),
                -1,
                0);
        System.out.println(summary.line());
        System.out.printf(
                "[fault-suite] %s: dispatcher RSS %d MiB before the burst, peak %d MiB over %d samples; "
                        + "%d readiness probes, %d not ready; most written on one huge-body connection %d KiB; "
                        + "longest attempt per receiver (ms): %s; longest wait of a healthy delivery %d ms; "
                        + "summary in %s%n",
                SCENARIO,
                baselineRssKib / 1024,
                watch.peakRssKib() / 1024,
                watch.rssSamples(),
                watch.readyProbes(),
                watch.notReady().size(),
                huge.connections().stream()
                                .mapToLong(HostileReceiver.Connection::bytesWritten)
                                .max()
                                .orElse(0)
                        / 1024,
                longestAttempts(deliveries, attempts),
                longestHealthyWait(healthy, deliveries),
                summary.write());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(timedOut).as("waits that ran out").isEmpty();
        softly.assertThat(statuses)
                .as("every tenant ACTIVE")
                .allSatisfy((slug, status) -> assertThat(status).as(slug).isEqualTo("ACTIVE"));
        boundedTimePerAttempt(softly, deliveries, attempts);
        boundedMemory(softly, baselineRssKib, watch, dispatcherBefore, dispatcherAfter, deliveries, attempts);
        redirectsNotFollowed(softly, deliveries, attempts);
        retriedOnSchedule(softly, deliveries, attempts);
        goneDisablesTheEndpoint(softly, deliveries, attempts);
        healthyEndpointUnaffected(softly, healthy, tenantIds, deliveries, attempts, since, hostileStillQueued);
        softly.assertThat(report.violations()).as(report.describe()).isEmpty();
        softly.assertAll();
    }

    /**
     * Every attempt to a hostile receiver ended within the request timeout plus the margin.
     * The never-answering and trickling ones were ended by that deadline (their error says
     * so, with the timeout the dispatcher applied), and the receivers saw each connection
     * closed within the same time.
     */
    private void boundedTimePerAttempt(
            SoftAssertions softly, List<Delivery> deliveries, Map<String, List<Attempt>> attempts) {
        long limit = REQUEST_TIMEOUT.plus(ATTEMPT_MARGIN).toMillis();
        String deadlineError = "no complete response within " + REQUEST_TIMEOUT.toMillis() + " ms";
        for (HostileReceiver receiver : hostile) {
            List<Attempt> made = attemptsOf(receiver, deliveries, attempts);
            softly.assertThat(made).as("attempts to %s", receiver.name()).isNotEmpty();
            softly.assertThat(made)
                    .as("attempts to %s that took longer than %d ms", receiver.name(), limit)
                    .filteredOn(a -> a.durationMs() > limit)
                    .isEmpty();
            softly.assertThat(receiver.requests())
                    .as("requests %s received, against the attempts recorded", receiver.name())
                    .isEqualTo(made.size());
        }
        for (HostileReceiver receiver : List.of(silent, trickle)) {
            softly.assertThat(attemptsOf(receiver, deliveries, attempts))
                    .as("attempts to %s not ended by the request deadline", receiver.name())
                    .filteredOn(a -> !deadlineError.equals(a.error()) || a.durationMs() < REQUEST_TIMEOUT.toMillis())
                    .isEmpty();
        }
        for (HostileReceiver receiver : List.of(silent, trickle, huge)) {
            softly.assertThat(receiver.connections())
                    .as("connections to %s still open or held longer than %d ms", receiver.name(), limit)
                    .filteredOn(c -> c.endedAt() == null || c.lifetime().toMillis() > limit)
                    .isEmpty();
        }
    }

    /**
     * The dispatcher's resident set stayed within the headroom above what it had before the
     * burst, it read only a bounded part of each huge body, it answered ready on every probe
     * and it is the same process as before (never restarted). A 200 with a huge body is a
     * delivery: the status says the receiver took the event; the body is not the dispatcher's
     * business beyond its first 4 KB.
     */
    private void boundedMemory(
            SoftAssertions softly,
            long baselineRssKib,
            ServiceWatch watch,
            StackComponentStatus before,
            StackComponentStatus after,
            List<Delivery> deliveries,
            Map<String, List<Attempt>> attempts) {
        softly.assertThat(watch.rssSamples()).as("RSS samples taken").isPositive();
        softly.assertThat(watch.peakRssKib())
                .as("dispatcher peak RSS in KiB (before the burst: %d KiB)", baselineRssKib)
                .isLessThanOrEqualTo(baselineRssKib + RSS_HEADROOM_KIB);
        softly.assertThat(watch.readyProbes()).as("readiness probes").isPositive();
        softly.assertThat(watch.notReady())
                .as("readiness probes of the dispatcher not answered 200")
                .isEmpty();
        softly.assertThat(after.pid()).as("dispatcher pid (never restarted)").isEqualTo(before.pid());
        softly.assertThat(after.restarts()).as("dispatcher restarts").isEqualTo(before.restarts());
        softly.assertThat(after.running())
                .as("dispatcher running and ready at the end")
                .isTrue();
        softly.assertThat(huge.connections())
                .as("connections to the huge-body receiver")
                .isNotEmpty();
        softly.assertThat(huge.connections())
                .as("connections on which the huge-body receiver could write %d bytes or more", HUGE_BODY_WRITTEN_LIMIT)
                .filteredOn(c -> c.bytesWritten() >= HUGE_BODY_WRITTEN_LIMIT)
                .isEmpty();
        List<Delivery> toHuge = deliveriesOf(huge, deliveries);
        softly.assertThat(toHuge)
                .as("deliveries to the huge-body receiver not delivered on a first attempt")
                .filteredOn(d -> !d.status().equals("delivered") || d.attemptCount() != 1)
                .isEmpty();
        softly.assertThat(attemptsOf(huge, deliveries, attempts))
                .as("attempts to the huge-body receiver not 200 or keeping more than 4 KB of the body")
                .filteredOn(a ->
                        !Integer.valueOf(200).equals(a.responseStatus()) || a.keptBody() == null || a.keptBody() > 4096)
                .isEmpty();
    }

    /** No request reached the canary; each redirect is a failed attempt that names its status. */
    private void redirectsNotFollowed(
            SoftAssertions softly, List<Delivery> deliveries, Map<String, List<Attempt>> attempts) {
        softly.assertThat(canary.connections())
                .as("connections to the canary a redirect pointed at")
                .isEmpty();
        for (var redirect : Map.of(toMetadata, 302, toCanary, 307).entrySet()) {
            int status = redirect.getValue();
            softly.assertThat(attemptsOf(redirect.getKey(), deliveries, attempts))
                    .as(
                            "attempts to %s not recorded as a failed %d",
                            redirect.getKey().name(), status)
                    .filteredOn(a -> !Integer.valueOf(status).equals(a.responseStatus())
                            || !("receiver answered HTTP " + status).equals(a.error()))
                    .isEmpty();
        }
    }

    /**
     * Timeouts, 5xx and 3xx may pass: each delivery got every attempt of the schedule, each
     * retry no sooner than its delay after the previous attempt ended and no later than the
     * delay with its jitter plus the slack, and then the delivery failed. Its endpoint stays
     * enabled: an endpoint is disabled only after failing for the whole auto-disable window.
     */
    private void retriedOnSchedule(
            SoftAssertions softly, List<Delivery> deliveries, Map<String, List<Attempt>> attempts) throws Exception {
        for (HostileReceiver receiver : retried) {
            List<Delivery> toReceiver = deliveriesOf(receiver, deliveries);
            softly.assertThat(toReceiver)
                    .as("deliveries to %s", receiver.name())
                    .isNotEmpty();
            for (Delivery delivery : toReceiver) {
                List<Attempt> made = attempts.getOrDefault(delivery.id(), List.of());
                String what = receiver.name() + " delivery " + delivery.id();
                softly.assertThat(delivery.status()).as("%s status", what).isEqualTo("failed");
                softly.assertThat(made)
                        .as("%s attempts", what)
                        .extracting(Attempt::number)
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, RETRY_SCHEDULE.size())
                                .boxed()
                                .toList());
                if (made.isEmpty()) {
                    continue;
                }
                Duration firstWait =
                        Duration.between(delivery.createdAt(), made.get(0).attemptedAt());
                softly.assertThat(firstWait)
                        .as("%s: first attempt after being queued", what)
                        .isLessThanOrEqualTo(latest(RETRY_SCHEDULE.get(0)));
                for (int i = 1; i < made.size() && i < RETRY_SCHEDULE.size(); i++) {
                    Attempt previous = made.get(i - 1);
                    Duration gap = Duration.between(
                            previous.attemptedAt().plusMillis(previous.durationMs()),
                            made.get(i).attemptedAt());
                    Duration delay = RETRY_SCHEDULE.get(i);
                    softly.assertThat(gap)
                            .as("%s: pause before attempt %d (schedule %s)", what, i + 1, delay)
                            .isBetween(delay.minus(CLOCK_ROUNDING), latest(delay));
                }
            }
            JsonNode endpoint = api("GET", "/webhook-endpoints/" + endpointOf.get(receiver), null, 200);
            softly.assertThat(endpoint.path("enabled").asBoolean())
                    .as("%s endpoint still enabled", receiver.name())
                    .isTrue();
            softly.assertThat(endpoint.hasNonNull("failingSince"))
                    .as("%s endpoint failing since a time", receiver.name())
                    .isTrue();
        }
        softly.assertThat(deliveriesOf(serverError, deliveries))
                .as("500 deliveries whose last error is not the 500")
                .filteredOn(d -> !"receiver answered HTTP 500".equals(d.lastError()))
                .isEmpty();
        // The API shows the same attempts as the tables.
        Delivery sample =
                deliveriesOf(serverError, deliveries).stream().findFirst().orElse(null);
        if (sample != null) {
            JsonNode logged = api("GET", "/webhook-deliveries/" + sample.id() + "/attempts", null, 200);
            softly.assertThat(logged.size())
                    .as("attempts of %s through the API", sample.id())
                    .isEqualTo(RETRY_SCHEDULE.size());
            logged.forEach(
                    a -> softly.assertThat(a.path("responseStatus").asInt()).isEqualTo(500));
        }
    }

    /**
     * 410 Gone is not retried: no delivery to it has a second attempt, the endpoint is
     * disabled with the reason, and its queued deliveries failed with it. Nothing is sent to
     * it once disabled, but what was already claimed when the disabling committed.
     */
    private void goneDisablesTheEndpoint(
            SoftAssertions softly, List<Delivery> deliveries, Map<String, List<Attempt>> attempts) throws Exception {
        JsonNode endpoint = api("GET", "/webhook-endpoints/" + endpointOf.get(gone), null, 200);
        softly.assertThat(endpoint.path("enabled").asBoolean(true))
                .as("410 endpoint enabled")
                .isFalse();
        softly.assertThat(endpoint.path("disabledReason").asText())
                .as("410 endpoint's disabled reason")
                .contains("410");
        List<Delivery> toGone = deliveriesOf(gone, deliveries);
        List<Attempt> made = attemptsOf(gone, deliveries, attempts);
        softly.assertThat(toGone)
                .as("410 deliveries not failed, or tried more than once")
                .filteredOn(d -> !d.status().equals("failed")
                        || d.attemptCount() > 1
                        || attempts.getOrDefault(d.id(), List.of()).size() > 1)
                .isEmpty();
        softly.assertThat(toGone)
                .as("410 deliveries whose last error is not the 410")
                .filteredOn(d -> d.lastError() == null || !d.lastError().contains("410"))
                .isEmpty();
        softly.assertThat(made)
                .as("attempts to the 410 receiver")
                .isNotEmpty()
                .allSatisfy(a -> assertThat(a.responseStatus()).isEqualTo(410));
        Instant disabledAt =
                instant("SELECT disabled_at FROM webhook_endpoint WHERE id = ?::uuid", endpointOf.get(gone));
        if (disabledAt == null) {
            softly.fail("410 endpoint has no disabled_at: " + endpoint);
        } else {
            // An attempt claimed while the disabling transaction was still open may start a
            // moment after its timestamp (the transaction's start).
            softly.assertThat(made)
                    .as("attempts to the 410 receiver started after it was disabled at %s", disabledAt)
                    .filteredOn(a -> a.attemptedAt().isAfter(disabledAt.plusSeconds(1)))
                    .isEmpty();
        }
    }

    /**
     * The demo receiver got every lifecycle event of the new tenants (each of them on the
     * topic), each delivered on its first attempt, queued less than one request timeout
     * before it was sent (a delivery held up behind a hostile request would wait at least
     * that long), all of it while hostile deliveries were still queued for a retry; the
     * receiver logged each one with a valid signature.
     */
    private void healthyEndpointUnaffected(
            SoftAssertions softly,
            String healthy,
            Set<String> tenantIds,
            List<Delivery> deliveries,
            Map<String, List<Attempt>> attempts,
            Instant since,
            long hostileStillQueued)
            throws IOException {
        List<Delivery> toHealthy =
                deliveries.stream().filter(d -> d.endpointId().equals(healthy)).toList();
        Map<String, Set<String>> typesByTenant = new TreeMap<>();
        toHealthy.forEach(d -> typesByTenant
                .computeIfAbsent(d.tenantId(), t -> new TreeSet<>())
                .add(d.eventType()));
        Map<String, Set<String>> expected = new TreeMap<>();
        tenantIds.forEach(t -> expected.put(t, new TreeSet<>(LIFECYCLE_OF_A_NEW_TENANT)));
        softly.assertThat(typesByTenant)
                .as("lifecycle events delivered to the healthy receiver, by tenant")
                .isEqualTo(expected);
        Set<String> onTopic = lifecycleEventIds(since, tenantIds);
        softly.assertThat(toHealthy.stream().map(Delivery::eventId).collect(Collectors.toSet()))
                .as("events queued for the healthy receiver, against the lifecycle events on the topic")
                .isEqualTo(onTopic);
        softly.assertThat(toHealthy)
                .as("healthy deliveries not delivered on their first attempt")
                .filteredOn(d -> !d.status().equals("delivered")
                        || d.attemptCount() != 1
                        || attempts.getOrDefault(d.id(), List.of()).size() != 1)
                .isEmpty();
        softly.assertThat(toHealthy)
                .as("healthy deliveries queued a request timeout or longer before sending")
                .filteredOn(d -> d.deliveredAt() == null
                        || Duration.between(d.createdAt(), d.deliveredAt()).compareTo(REQUEST_TIMEOUT) >= 0)
                .isEmpty();
        softly.assertThat(hostileStillQueued)
                .as("hostile deliveries still queued for a retry when the healthy receiver had every event")
                .isPositive();
        Path log = system.logs().resolve("receiver.jsonl");
        Set<String> validlyReceived = new TreeSet<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode entry = JSON.readTree(line);
            if ("signature valid".equals(entry.path("signature").asText())) {
                validlyReceived.add(entry.path("webhookId").asText());
            }
        }
        softly.assertThat(validlyReceived)
                .as("events the demo receiver logged with a valid signature (%s)", log)
                .containsAll(onTopic);
    }

    /** Lifecycle events of these tenants on the topic since the scenario began. */
    private Set<String> lifecycleEventIds(Instant since, Set<String> tenantIds) {
        Set<String> ids = new TreeSet<>();
        for (ConsumerRecord<String, byte[]> record :
                new TopicSnapshot(system.kafkaBootstrap()).read(List.of(Topics.TENANT_LIFECYCLE), since)) {
            if (tenantIds.contains(header(record, CloudEventCodec.CE_SUBJECT))) {
                ids.add(header(record, CloudEventCodec.CE_ID));
            }
        }
        return ids;
    }

    private String register(HostileReceiver receiver) throws Exception {
        // No event types or tenants: every lifecycle event of every tenant.
        JsonNode created = api(
                "POST",
                "/webhook-endpoints",
                Map.of("url", receiver.url(), "description", "hostile receiver: " + receiver.behaviour()),
                201);
        return created.path("id").asText();
    }

    private JsonNode api(String method, String path, Object body, int expectedStatus) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.dispatcherUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + system.token());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(
                    method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static Duration latest(Duration delay) {
        return Duration.ofMillis((long) (delay.toMillis() * (1 + JITTER))).plus(SCHEDULE_SLACK);
    }

    private List<Delivery> deliveriesOf(HostileReceiver receiver, List<Delivery> deliveries) {
        String endpoint = endpointOf.get(receiver);
        return deliveries.stream().filter(d -> d.endpointId().equals(endpoint)).toList();
    }

    private List<Attempt> attemptsOf(
            HostileReceiver receiver, List<Delivery> deliveries, Map<String, List<Attempt>> attempts) {
        return deliveriesOf(receiver, deliveries).stream()
                .flatMap(d -> attempts.getOrDefault(d.id(), List.of()).stream())
                .toList();
    }

    private Map<String, Long> longestAttempts(List<Delivery> deliveries, Map<String, List<Attempt>> attempts) {
        Map<String, Long> longest = new LinkedHashMap<>();
        for (HostileReceiver receiver : hostile) {
            longest.put(
                    receiver.name(),
                    attemptsOf(receiver, deliveries, attempts).stream()
                            .mapToLong(Attempt::durationMs)
                            .max()
                            .orElse(-1));
        }
        return longest;
    }

    private static void awaitOrNote(List<String> timedOut, Runnable wait) {
        try {
            wait.run();
        } catch (ConditionTimeoutException e) {
            System.out.println("[fault-suite] " + SCENARIO + ": " + e.getMessage());
            timedOut.add(e.getMessage());
        }
    }

    private static long longestHealthyWait(String healthy, List<Delivery> deliveries) {
        return deliveries.stream()
                .filter(d -> d.endpointId().equals(healthy) && d.deliveredAt() != null)
                .mapToLong(d -> Duration.between(d.createdAt(), d.deliveredAt()).toMillis())
                .max()
                .orElse(-1);
    }

    private String[] ids(List<HostileReceiver> receivers) {
        return receivers.stream().map(endpointOf::get).toArray(String[]::new);
    }

    private List<Delivery> deliveries() throws SQLException {
        List<Delivery> rows = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT id::text, endpoint_id::text, tenant_id, "
                        + "event_id, event_type, status, attempt_count, last_error, created_at, delivered_at "
                        + "FROM webhook_delivery ORDER BY created_at, id");
                ResultSet row = query.executeQuery()) {
            while (row.next()) {
                rows.add(new Delivery(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getString(6),
                        row.getInt(7),
                        row.getString(8),
                        row.getTimestamp(9).toInstant(),
                        row.getTimestamp(10) == null
                                ? null
                                : row.getTimestamp(10).toInstant()));
            }
        }
        return rows;
    }

    /** Attempts by delivery id, in attempt order. */
    private Map<String, List<Attempt>> attempts() throws SQLException {
        Map<String, List<Attempt>> byDelivery = new LinkedHashMap<>();
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT delivery_id::text, attempt_number, "
                        + "attempted_at, response_status, duration_ms, error, length(response_body) "
                        + "FROM webhook_attempt ORDER BY delivery_id, attempt_number, id");
                ResultSet row = query.executeQuery()) {
            while (row.next()) {
                Integer status = row.getObject(4) == null ? null : row.getInt(4);
                Integer kept = row.getObject(7) == null ? null : row.getInt(7);
                byDelivery
                        .computeIfAbsent(row.getString(1), d -> new ArrayList<>())
                        .add(new Attempt(
                                row.getInt(2),
                                row.getTimestamp(3).toInstant(),
                                status,
                                row.getLong(5),
                                row.getString(6),
                                kept));
            }
        }
        byDelivery.values().forEach(list -> list.sort(Comparator.comparingInt(Attempt::number)));
        return byDelivery;
    }

    private String text(String sql, String parameter) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private Instant instant(String sql, String parameter) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getTimestamp(1) != null
                        ? row.getTimestamp(1).toInstant()
                        : null;
            }
        }
    }

    private long count(String sql, Object parameter) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            if (parameter instanceof String[] values) {
                query.setArray(1, connection.createArrayOf("text", values));
            } else {
                query.setObject(1, parameter);
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** A row of webhook_delivery. */
    private record Delivery(
            String id,
            String endpointId,
            String tenantId,
            String eventId,
            String eventType,
            String status,
            int attemptCount,
            String lastError,
            Instant createdAt,
            Instant deliveredAt) {}

    /**
     * A row of webhook_attempt.
     *
     * @param keptBody characters of the response body the dispatcher kept; null when there was no response
     */
    private record Attempt(
            int number, Instant attemptedAt, Integer responseStatus, long durationMs, String error, Integer keptBody) {}
}
