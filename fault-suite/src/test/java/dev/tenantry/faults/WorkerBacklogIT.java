package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A burst of signups the worker needs several times the saga's provisioning timeout to work
 * through (one consumer slot, no spare schemas, a slow release). The fault is the backlog itself:
 * the requests at its end wait in the topic far longer than the timeout while the worker answers
 * the ones before them. None of them is lost, so the stuck-tenant sweep must leave them alone:
 * every tenant ends ACTIVE, none is requested twice, none is failed and rolled back.
 */
class WorkerBacklogIT {

    private static final String SCENARIO = "worker-backlog";
    private static final int TENANTS = 30;
    private static final int CLIENTS = 10;
    /** The saga's provisioning timeout here; the backlog takes about four times as long. */
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    /** Each tenant's last migration sleeps this long: the worker's pace, whatever the machine. */
    private static final double SLOW_STEP_SECONDS = 0.5;

    @Test
    void signupsQueuedLongerThanTheSagaTimeoutBehindABusyWorkerAllEndActiveAndNoneIsRequestedTwice() throws Exception {
        List<String> slugs = IntStream.range(0, TENANTS)
                .mapToObj(i -> String.format("backlog_%03d", i))
                .toList();
        try (RunningSystem system = RunningSystem.start("fault-stack-" + SCENARIO, slowWorkerAndImpatientSaga())) {
            DataSource database = system.dataSource();
            Instant start = Instant.now();
            List<Signup> signups;
            try (TenantBurst burst = new TenantBurst(
                    slugs,
                    Collections.nCopies(TENANTS, false),
                    system.provisioningUrl(),
                    system.token(),
                    new DoomedSchema(database),
                    CLIENTS)) {
                signups = burst.awaitAnswered(Duration.ofMinutes(5));
            }
            new Settling(database).awaitTenantsFinal(Duration.ofMinutes(5));
            double backlogSeconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;

            Map<String, String> statuses = TenantStatuses.of(signups, system.provisioningUrl(), system.token());
            List<String> notActive = statuses.entrySet().stream()
                    .filter(e -> !"ACTIVE".equals(e.getValue()))
                    .map(e -> e.getKey() + " is " + e.getValue())
                    .toList();
            List<String> resent = QueryRows.of(
                    database,
                    "SELECT t.slug || ': ' || l.detail FROM tenant_timeline l "
                            + "JOIN tenant t ON t.id = l.tenant_id WHERE l.kind = 'transition' "
                            + "AND l.from_status = 'PROVISIONING' AND l.to_status IN ('PROVISIONING', 'FAILED')");
            ScenarioSummary summary = new ScenarioSummary(
                    SCENARIO,
                    "a backlog of " + TENANTS + " signups, " + backlogSeconds + " s to work through, saga timeout "
                            + TIMEOUT.toSeconds() + " s",
                    1,
                    signups.size(),
                    notActive.size() + resent.size(),
                    0,
                    -1,
                    0);
            System.out.println(summary.line());
            summary.write();

            // Without a backlog longer than the timeout this scenario would prove nothing.
            assertThat(backlogSeconds)
                    .as("time to work through the backlog (s)")
                    .isGreaterThan(2.0 * TIMEOUT.toSeconds());
            assertThat(notActive)
                    .as("tenants that did not end ACTIVE; logs in %s", system.logs())
                    .isEmpty();
            assertThat(resent)
                    .as("tenants the sweep re-requested or failed while the worker was answering "
                            + "the requests before theirs")
                    .isEmpty();
        }
    }

    /** The stack passes its environment on to the services it starts. */
    private static Map<String, String> slowWorkerAndImpatientSaga() throws Exception {
        Path release = Files.createDirectories(ScenarioSummary.reportFolder()
                .resolveSibling("worker-backlog-release")
                .toAbsolutePath());
        Files.writeString(
                release.resolve("V4__slow_release.sql"),
                "-- Stands for a release whose setup takes a while.\nSELECT pg_sleep(" + SLOW_STEP_SECONDS + ");\n");
        return Map.of(
                "TENANTRY_WORKER_TENANT_MIGRATIONS_LOCATIONS", "classpath:db/tenant,filesystem:" + release,
                "TENANTRY_WORKER_CONCURRENCY", "1",
                // Every signup is migrated on demand: a spare schema would skip the slow release.
                "TENANTRY_WORKER_SPARE_POOL_SIZE", "0",
                "TENANTRY_PROVISIONING_SAGA_PROVISIONING_TIMEOUT", TIMEOUT.toMillis() + "ms",
                "TENANTRY_PROVISIONING_SAGA_SWEEP_INTERVAL", "500ms");
    }
}
