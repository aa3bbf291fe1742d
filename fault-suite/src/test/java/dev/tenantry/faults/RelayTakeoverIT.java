package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, two provisioning instances: the one that owns the outbox relay is killed with SIGKILL
 * in the middle of a signup burst sent to the other. The other must take the relay over on its
 * own, every signup must end ACTIVE and the invariant checker must find nothing: no outbox row
 * left behind, no event missing from the topics. The time from the kill until the survivor
 * reports itself the active relay is recorded as the recovery time.
 */
class RelayTakeoverIT {

    private static final String SCENARIO = "relay-takeover";
    private static final String PROVISIONING = "provisioning-service";
    private static final int CLIENTS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theOtherInstanceTakesTheRelayOverWhenItsOwnerIsKilledMidBurstAndNothingIsLost() throws Exception {
        int tenantCount = Integer.getInteger("tenantry.faults.outage-tenants", 40);
        List<String> slugs = IntStream.range(0, tenantCount)
                .mapToObj(i -> String.format("relay_%03d", i))
                .toList();
        try (RunningSystem system = RunningSystem.start("fault-stack-" + SCENARIO);
                SecondInstance survivor = SecondInstance.of(system, PROVISIONING, "local-provisioning-service-2")) {
            survivor.awaitReady(Duration.ofMinutes(5));
            String token = system.token();
            // The stack's instance started first and holds the relay; the second one stands by.
            await("the stack's instance relays, the second stands by")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> relayRole(system.provisioningUrl(), token).equals("ACTIVE")
                            && relayRole(survivor.url(), token).equals("STANDBY"));
            DataSource database = system.dataSource();
            InvariantChecker checker = new InvariantChecker(database, system.kafkaBootstrap());
            Instant since = Instant.now();

            List<Signup> signups;
            Instant killed;
            Instant takenOver;
            try (TenantBurst burst = new TenantBurst(
                    slugs,
                    Collections.nCopies(tenantCount, false),
                    survivor.url(),
                    token,
                    new DoomedSchema(database),
                    CLIENTS)) {
                burst.release(tenantCount / 2);
                StackComponentStatus owner = system.component(PROVISIONING);
                ProcessHandle.of(owner.pid()).orElseThrow().destroyForcibly();
                killed = Instant.now();
                System.out.printf(
                        "[fault-suite] %s: relay owner (pid %d) killed, %d tenants%n",
                        SCENARIO, owner.pid(), tenantCount);
                burst.release(tenantCount - tenantCount / 2);
                await("the second instance relays")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> relayRole(survivor.url(), token).equals("ACTIVE"));
                takenOver = Instant.now();
                signups = burst.awaitAnswered(Duration.ofMinutes(5));
            }
            double takeover = Duration.between(killed, takenOver).toMillis() / 1000.0;

            Settling settling = new Settling(database);
            settling.awaitTenantsFinal(Duration.ofMinutes(10));
            settling.awaitOutboxAndWebhooksSettled(Duration.ofMinutes(10));
            settling.awaitCaughtUp(() -> checker.check(since), Duration.ofMinutes(5));
            Map<String, String> statuses = TenantStatuses.of(signups, survivor.url(), token);
            InvariantReport report = checker.check(since);
            // The supervisor restarts the killed instance; it must come back as the standby.
            system.awaitComponent(PROVISIONING, StackComponentStatus::running, Duration.ofMinutes(5));
            String restartedRole = relayRole(system.provisioningUrl(), token);
            ScenarioSummary summary = new ScenarioSummary(
                    SCENARIO,
                    "SIGKILL of the provisioning instance that owns "
                            + "the outbox relay, mid-burst (recovery: until the other relays)",
                    1,
                    signups.size(),
                    report.violations().size(),
                    report.deadLetters(),
                    takeover,
                    0);
            System.out.println(summary.line());
            summary.write();

            assertThat(statuses.entrySet().stream()
                            .filter(e -> !e.getValue().equals("ACTIVE"))
                            .toList())
                    .as("signups not ACTIVE; stack logs in %s", system.logs())
                    .isEmpty();
            assertThat(report.violations()).as(report.describe()).isEmpty();
            assertThat(restartedRole).as("the restarted instance's relay role").isEqualTo("STANDBY");
        }
    }

    private static String relayRole(String baseUrl, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/admin/relay"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + token)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET /admin/relay answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("role").asText();
    }
}
