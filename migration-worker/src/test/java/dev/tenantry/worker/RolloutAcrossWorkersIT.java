package dev.tenantry.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.ServiceJvm;
import dev.tenantry.testinfra.TenantryInfrastructure;
import dev.tenantry.testinfra.TestNames;
import dev.tenantry.testinfra.TestTokens;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rollouts executed by real worker processes (this module's packaged jar, started as child JVMs)
 * against the test PostgreSQL and Kafka: two instances share one rollout, and a worker killed
 * with SIGKILL mid-stage leaves its tenants to the other. Release 3.9 of these workers sleeps half
 * a second per tenant, so that claims are held long enough to be shared and to be cut short.
 */
class RolloutAcrossWorkersIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path RELEASE = Path.of("target", "it-slow-release").toAbsolutePath();
    private static final String OPERATOR = TestTokens.bearer(Roles.OPERATOR);
    /**
     * A version no other worker of this module's tests knows: the test app that stays up in this JVM
     * between test classes may know a release 4 of its own (NextReleaseProfile) and would claim the
     * tenants of a rollout to "4" too, as a worker of a different release would in production.
     */
    private static final String SLOW_RELEASE = "3.9";

    private final List<ServiceJvm> workers = new ArrayList<>();

    @BeforeAll
    static void slowRelease() throws IOException {
        Files.createDirectories(RELEASE);
        Files.writeString(RELEASE.resolve("V3_9__slow_release.sql"), """
                SELECT pg_sleep(0.5);
                ALTER TABLE customers ADD COLUMN segment text;
                """);
    }

    @AfterEach
    void stopWorkers() throws Exception {
        workers.forEach(ServiceJvm::close);
        // A failed test must not leave a rollout open for the next one.
        WorkerTestSupport.execute("UPDATE tenant_rollout SET state = 'aborted', finished_at = now() "
                + "WHERE state IN ('running', 'paused', 'halted')");
    }

    @Test
    void twoWorkerProcessesShareOneRolloutAndNoTenantIsMigratedTwice() throws Exception {
        String prefix = TestNames.unique("shared");
        ServiceJvm first = worker("a");
        ServiceJvm second = worker("b");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 16);

        String id = create(first, prefix, 4);
        awaitState(second, id, "completed");

        Map<String, Integer> runsPerSchema = new HashMap<>();
        List<String> claimants = new ArrayList<>();
        try (Connection c = WorkerTestSupport.infra().dataSource().getConnection();
                PreparedStatement select =
                        c.prepareStatement("SELECT t.schema_name, t.claimed_by, (SELECT count(*) FROM migration_run r "
                                + "WHERE r.request_id LIKE t.rollout_id || ':%' AND r.schema_name = t.schema_name) "
                                + "FROM tenant_rollout_target t WHERE t.rollout_id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    runsPerSchema.put(rows.getString(1), rows.getInt(3));
                    claimants.add(rows.getString(2));
                }
            }
        }
        assertThat(runsPerSchema)
                .hasSize(16)
                .allSatisfy((schema, runs) -> assertThat(runs).as(schema).isEqualTo(1));
        // Each instance runs two tenants at once, the stage four: both had to take part.
        assertThat(claimants.stream().map(RolloutAcrossWorkersIT::pidOf).distinct())
                .containsExactlyInAnyOrder(first.pid(), second.pid());
        for (TestTenant tenant : tenants) {
            assertThat(hasSlowRelease(tenant)).as(tenant.schema()).isTrue();
        }
    }

    @Test
    void theTenantsOfAWorkerKilledMidStageAreFinishedByAnotherAfterTheLease() throws Exception {
        String prefix = TestNames.unique("killed");
        ServiceJvm doomed = worker("doomed");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 6);

        String id = create(doomed, prefix, 2);
        await().atMost(WorkerTestSupport.TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !schemas(id, "running", doomed.pid()).isEmpty());
        doomed.kill();
        // Frozen now: what the dead worker held when it died.
        List<String> held = schemas(id, "running", doomed.pid());
        assertThat(held).isNotEmpty();

        ServiceJvm survivor = worker("survivor");
        awaitState(survivor, id, "completed");

        // Exactly the tenants the dead worker held were claimed a second time, by the survivor,
        // once their lease ran out; every other tenant once.
        assertThat(schemas(id, "done", survivor.pid(), 2)).containsExactlyInAnyOrderElementsOf(held);
        assertThat(WorkerTestSupport.queryInt(
                        "SELECT count(*) FROM tenant_rollout_target WHERE rollout_id = ? AND attempts = 1", id))
                .isEqualTo(6 - held.size());
        for (TestTenant tenant : tenants) {
            assertThat(hasSlowRelease(tenant)).as(tenant.schema()).isTrue();
        }
    }

    @Test
    void aRolloutSurvivesARestartOfEveryWorker() throws Exception {
        String prefix = TestNames.unique("restart");
        ServiceJvm before = worker("before");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 8);

        // A gate after the first stage stops the rollout at a known point, whatever the timing.
        String id = given().baseUri(before.url())
                .header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body("""
                        {"targetVersion": "%s", "slugPattern": "%s*",
                         "stages": [{"name": "first", "size": 3, "parallelism": 2, "gate": true},
                                    {"name": "rest", "parallelism": 2}]}
                        """.formatted(SLOW_RELEASE, prefix))
                .post("/admin/rollouts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        awaitState(before, id, "paused");
        before.close();

        ServiceJvm after = worker("after");
        given().baseUri(after.url())
                .header("Authorization", OPERATOR)
                .post("/admin/rollouts/" + id + "/resume")
                .then()
                .statusCode(200);
        awaitState(after, id, "completed");

        for (TestTenant tenant : tenants) {
            assertThat(hasSlowRelease(tenant)).as(tenant.schema()).isTrue();
        }
        assertThat(schemas(id, "done", before.pid())).hasSize(3);
        assertThat(schemas(id, "done", after.pid())).hasSize(5);
        assertThat(WorkerTestSupport.queryInt(
                        "SELECT count(*) FROM tenant_rollout_target WHERE rollout_id = ? AND attempts > 1", id))
                .isZero();
    }

    private ServiceJvm worker(String name) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("tenantry.worker.tenant-migrations.locations", "classpath:db/tenant,filesystem:" + RELEASE);
        // Only the rollouts of these tests: no drift repair of the shared database, no spares.
        settings.put("tenantry.worker.drift.verify-at-start", "false");
        settings.put("tenantry.worker.drift.interval", "0s");
        settings.put("tenantry.worker.retention.interval", "0s");
        settings.put("tenantry.worker.spare-pool.size", "0");
        settings.put("tenantry.worker.drift.fleet-parallelism", "2");
        settings.put("tenantry.worker.rollouts.poll-interval", "200ms");
        settings.put("tenantry.worker.rollouts.lease", "5s");
        ServiceJvm worker =
                ServiceJvm.startForTests(TenantryInfrastructure.get(), "rollout-worker-" + name, JAR, settings);
        workers.add(worker);
        worker.awaitReady(Duration.ofSeconds(120));
        return worker;
    }

    private static List<TestTenant> tenantsAtVersionTwo(String prefix, int count) {
        List<TestTenant> tenants = new ArrayList<>();
        List<EventEnvelope<TenantRequested>> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String slug = prefix + "_" + i;
            TestTenant tenant = new TestTenant(UUID.randomUUID().toString(), slug, "tenant_" + slug);
            tenants.add(tenant);
            requests.add(tenant.requested("2"));
        }
        requests.forEach(WorkerTestSupport::send);
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));
        return tenants;
    }

    private static String create(ServiceJvm worker, String prefix, int parallelism) {
        return given().baseUri(worker.url())
                .header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body("""
                        {"targetVersion": "%s", "slugPattern": "%s*",
                         "stages": [{"name": "all", "parallelism": %d}]}
                        """.formatted(SLOW_RELEASE, prefix, parallelism))
                .post("/admin/rollouts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static void awaitState(ServiceJvm worker, String id, String state) {
        await().atMost(WorkerTestSupport.TIMEOUT)
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(given().baseUri(worker.url())
                                .header("Authorization", OPERATOR)
                                .get("/admin/rollouts/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .<String>path("state"))
                        .isEqualTo(state));
    }

    private static List<String> schemas(String rolloutId, String state, long pid) throws Exception {
        return schemas(rolloutId, state, pid, null);
    }

    /** Tenants of the rollout in this state claimed by the worker with this pid (and this many attempts). */
    private static List<String> schemas(String rolloutId, String state, long pid, Integer attempts) throws Exception {
        List<String> schemas = new ArrayList<>();
        try (Connection c = WorkerTestSupport.infra().dataSource().getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT schema_name FROM tenant_rollout_target WHERE rollout_id = ? AND state = ? "
                                + "AND claimed_by LIKE ? AND (? IS NULL OR attempts = ?)")) {
            select.setString(1, rolloutId);
            select.setString(2, state);
            select.setString(3, "worker-" + pid + "-%");
            select.setObject(4, attempts, java.sql.Types.INTEGER);
            select.setObject(5, attempts, java.sql.Types.INTEGER);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    schemas.add(rows.getString(1));
                }
            }
        }
        return schemas;
    }

    private static long pidOf(String claimant) {
        return Long.parseLong(claimant.split("-")[1]);
    }

    /** Whether the tenant has the slow release (3.9) in its history. */
    private static boolean hasSlowRelease(TestTenant tenant) throws Exception {
        return WorkerTestSupport.queryInt(
                        "SELECT count(*) FROM " + tenant.schema()
                                + ".flyway_schema_history WHERE version = ? AND success",
                        SLOW_RELEASE)
                == 1;
    }
}
