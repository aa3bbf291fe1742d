package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, every event delivered three times: while tenants are signed up (a tenth doomed to be
 * rolled back) and a few are deleted, each record on the four event topics is written twice more
 * ({@link EventDuplicator}), behind whatever followed it. Every consumer must do its work once:
 * no migration run twice for one request, no tenant entering a status twice, no second webhook
 * delivery for one event and endpoint, no dead letter, and the invariant checker finding nothing.
 */
class DuplicateDeliveryIT {

    private static final String SCENARIO = "duplicate-delivery";
    private static final int EXTRA_COPIES = 2;
    private static final int CLIENTS = 10;
    private static final List<String> EVENT_TOPICS = List.of(
            Topics.TENANT_COMMANDS,
            Topics.TENANT_MIGRATION_REQUESTS,
            Topics.TENANT_MIGRATION_RESULTS,
            Topics.TENANT_LIFECYCLE);

    @Test
    void everyEventDeliveredThreeTimesHasItsEffectOnce() throws Exception {
        int tenantCount = Integer.getInteger("tenantry.faults.outage-tenants", 40);
        Random random = new Random(tenantCount);
        List<String> slugs = IntStream.range(0, tenantCount)
                .mapToObj(i -> String.format("dup_%03d", i))
                .toList();
        List<Boolean> doomed = new ArrayList<>(Collections.nCopies(tenantCount, false));
        for (int i = 0; i < Math.max(1, tenantCount / 10); i++) {
            doomed.set(i * 10 + 3 < tenantCount ? i * 10 + 3 : i, true);
        }
        try (RunningSystem system = RunningSystem.start("fault-stack-" + SCENARIO)) {
            DataSource database = system.dataSource();
            InvariantChecker checker = new InvariantChecker(database, system.kafkaBootstrap());
            Instant since = Instant.now();
            List<Signup> signups;
            List<Signup> deleted = new ArrayList<>();
            int copies;
            try (EventDuplicator duplicator =
                    new EventDuplicator(system.kafkaBootstrap(), EVENT_TOPICS, EXTRA_COPIES)) {
                duplicator.awaitAssigned(Duration.ofMinutes(2));
                try (TenantBurst burst = new TenantBurst(
                        slugs, doomed, system.provisioningUrl(), system.token(), new DoomedSchema(database), CLIENTS)) {
                    signups = burst.awaitAnswered(Duration.ofMinutes(5));
                }
                Settling settling = new Settling(database);
                settling.awaitTenantsFinal(Duration.ofMinutes(10));
                // A few deletions, their requests and answers duplicated as well.
                List<Signup> healthy = new ArrayList<>(
                        signups.stream().filter(s -> !s.doomed()).toList());
                Collections.shuffle(healthy, random);
                for (Signup signup : healthy.subList(0, Math.min(3, healthy.size()))) {
                    delete(system, signup);
                    deleted.add(signup);
                }
                settling.awaitTenantsFinal(Duration.ofMinutes(10));
                settling.awaitOutboxAndWebhooksSettled(Duration.ofMinutes(10));
                // The copies of the last events are still being consumed: wait until nothing moves.
                settling.awaitCaughtUp(() -> checker.check(since), Duration.ofMinutes(5));
                copies = duplicator.copies();
            }
            Settling settling = new Settling(database);
            settling.awaitOutboxAndWebhooksSettled(Duration.ofMinutes(5));

            Map<String, String> statuses = TenantStatuses.of(signups, system.provisioningUrl(), system.token());
            List<String> misplaced = signups.stream()
                    .filter(s -> !expected(s, deleted).equals(statuses.get(s.slug())))
                    .map(s -> s.slug() + " is " + statuses.get(s.slug()) + ", expected " + expected(s, deleted))
                    .toList();
            List<String> runTwice = QueryRows.of(
                    database,
                    "SELECT request_id || ' (' || kind || ') ran ' || count(*) "
                            + "|| ' times' FROM migration_run GROUP BY request_id, kind HAVING count(*) > 1");
            List<String> enteredTwice = QueryRows.of(
                    database,
                    "SELECT tenant_id || ' entered ' || to_status || ' ' "
                            + "|| count(*) || ' times' FROM tenant_timeline WHERE to_status IS NOT NULL "
                            + "AND from_status IS DISTINCT FROM to_status GROUP BY tenant_id, to_status HAVING count(*) > 1");
            List<String> deliveredTwice = QueryRows.of(
                    database,
                    "SELECT event_id || ' queued ' || count(*) || ' times for "
                            + "endpoint ' || endpoint_id FROM webhook_delivery GROUP BY event_id, endpoint_id "
                            + "HAVING count(*) > 1");
            InvariantReport report = checker.check(since);
            ScenarioSummary summary = new ScenarioSummary(
                    SCENARIO,
                    "every event on the four event topics delivered " + (EXTRA_COPIES + 1) + " times (" + copies
                            + " copies)",
                    copies,
                    signups.size(),
                    report.violations().size() + runTwice.size() + enteredTwice.size() + deliveredTwice.size(),
                    report.deadLetters(),
                    -1,
                    0);
            System.out.println(summary.line());
            summary.write();

            assertThat(copies).as("copies written").isGreaterThanOrEqualTo(EXTRA_COPIES * signups.size());
            assertThat(misplaced)
                    .as("tenants not where they should be; logs in %s", system.logs())
                    .isEmpty();
            assertThat(runTwice)
                    .as("requests the worker carried out more than once")
                    .isEmpty();
            assertThat(enteredTwice)
                    .as("tenants that entered a status more than once")
                    .isEmpty();
            assertThat(deliveredTwice)
                    .as("events queued more than once for one endpoint")
                    .isEmpty();
            assertThat(report.violations()).as(report.describe()).isEmpty();
        }
    }

    private static String expected(Signup signup, List<Signup> deleted) {
        return deleted.contains(signup) ? "DELETED" : signup.expectedStatus();
    }

    private static void delete(RunningSystem system, Signup signup) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(system.provisioningUrl() + "/tenants/" + signup.id()))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + system.token())
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException(
                    "DELETE " + signup.slug() + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
