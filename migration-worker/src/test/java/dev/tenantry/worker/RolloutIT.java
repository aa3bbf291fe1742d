package dev.tenantry.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.RolloutStageCompleted;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.TestNames;
import dev.tenantry.testinfra.TestTokens;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Staged rollouts against real PostgreSQL and Kafka. Each test makes its own tenants at version
 * 2 under a slug prefix of its own and rolls version 3 out to them only, so the fleet other test
 * classes leave in the shared database never enters its rollouts.
 */
@QuarkusTest
class RolloutIT {

    private static final String OPERATOR = TestTokens.bearer(Roles.OPERATOR);

    @BeforeEach
    @AfterEach
    void noRolloutLeftOpen() throws Exception {
        // Another class's drift repair, or a test of this one that failed half-way, would make the
        // next rollout to version 3 a conflict.
        WorkerTestSupport.execute("UPDATE tenant_rollout SET state = 'aborted', finished_at = now() "
                + "WHERE state IN ('running', 'paused', 'halted')");
    }

    @Test
    void aCanaryFailingBeyondItsBudgetHaltsTheRolloutBeforeTheNextWaveAndRetryFinishesIt() throws Exception {
        String prefix = TestNames.unique("canary");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 5);
        TestTenant canary = tenants.get(0);
        // Release 3 creates invoices: a table of that name already there makes it fail for the canary.
        WorkerTestSupport.execute("CREATE TABLE " + canary.schema() + ".invoices (id int)");

        String id = create("""
                {"targetVersion": "3", "slugPattern": "%s*",
                 "stages": [{"name": "canary", "tenants": ["%s"], "maxFailures": 0},
                            {"name": "wave-1", "parallelism": 2, "maxFailures": 0}]}
                """.formatted(prefix, canary.slug()));

        JsonPath halted = awaitState(id, "halted");
        assertThat(halted.getString("reason")).contains("stage 'canary'", "1 of 1 tenant(s) failed");
        assertThat(halted.getInt("currentStage")).isZero();
        assertThat(halted.getString("failures[0].schema")).isEqualTo(canary.schema());
        assertThat(halted.getString("failures[0].error")).contains("invoices");
        assertThat(halted.getInt("stages[1].tenants.pending")).isEqualTo(4);
        for (TestTenant other : tenants.subList(1, 5)) {
            assertThat(hasInvoices(other)).as(other.schema() + " untouched").isFalse();
        }

        // Fixed by hand, retried: the canary passes and wave 1 follows.
        WorkerTestSupport.execute("DROP TABLE " + canary.schema() + ".invoices");
        post(id, "retry-failed", 200);
        JsonPath completed = awaitState(id, "completed");
        assertThat(completed.getInt("tenants.done")).isEqualTo(5);
        assertThat(completed.getInt("stages[0].tenants.done")).isEqualTo(1);
        for (TestTenant tenant : tenants) {
            assertThat(hasInvoices(tenant)).as(tenant.schema()).isTrue();
        }
        // Every attempt answered the registry through the results topic: the canary's failure too.
        List<EventEnvelope<?>> results = resultsCorrelatedTo(id, 6);
        assertThat(results.stream().filter(r -> r.data() instanceof TenantMigrated))
                .hasSize(5);
        assertThat(results.stream().filter(r -> r.data() instanceof TenantMigrationFailed))
                .hasSize(1);
    }

    @Test
    void aGatedCanaryWaitsForAnOperatorAndResumeRollsTheRestOut() throws Exception {
        String prefix = TestNames.unique("gated");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 3);

        String id = create("""
                {"targetVersion": "3", "slugPattern": "%s*",
                 "stages": [{"name": "canary", "size": 1, "gate": true}, {"name": "rest"}]}
                """.formatted(prefix));

        JsonPath paused = awaitState(id, "paused");
        assertThat(paused.getString("reason")).contains("stage 'canary' completed");
        assertThat(paused.getInt("stages[0].tenants.done")).isEqualTo(1);
        assertThat(tenants.stream().filter(this::hasInvoices).count()).isEqualTo(1);

        post(id, "resume", 200);
        awaitState(id, "completed");
        assertThat(tenants).allSatisfy(t -> assertThat(hasInvoices(t)).isTrue());
        RolloutStageCompleted gate =
                (RolloutStageCompleted) lifecycleEventsOf(id, 2).get(1).data();
        assertThat(gate.stage()).isEqualTo("canary");
        assertThat(gate.gate()).isTrue();
        assertThat(gate.nextStage()).isEqualTo("rest");
    }

    @Test
    void aRolloutIsPausedResumedAndAbortedAndAnAbortedOneStartsNoMoreTenantsAndCannotBeResumed() throws Exception {
        String prefix = TestNames.unique("abort");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 3);

        String id = create("""
                {"targetVersion": "3", "slugPattern": "%s*",
                 "stages": [{"name": "canary", "size": 1, "pauseAfterSeconds": 3600}, {"name": "rest"}]}
                """.formatted(prefix));
        await().atMost(WorkerTestSupport.TIMEOUT)
                .untilAsserted(() ->
                        assertThat(show(id).getInt("stages[0].tenants.done")).isEqualTo(1));

        JsonPath paused = post(id, "pause", 200);
        assertThat(paused.getString("state")).isEqualTo("paused");
        assertThat(paused.getString("reason")).startsWith("paused by");
        post(id, "pause", 409);
        assertThat(post(id, "resume", 200).getString("state")).isEqualTo("running");

        JsonPath aborted = post(id, "abort", 200);
        assertThat(aborted.getString("state")).isEqualTo("aborted");
        assertThat(aborted.getString("reason")).startsWith("aborted by");
        post(id, "resume", 409);
        assertThat(show(id).getInt("tenants.pending")).isEqualTo(2);
        assertThat(tenants.stream().filter(this::hasInvoices).count()).isEqualTo(1);
    }

    @Test
    void aTenantCreatedDuringARolloutIsBuiltByProvisioningAtTheTargetAndNotMigratedAgainByTheRollout()
            throws Exception {
        String prefix = TestNames.unique("during");
        tenantsAtVersionTwo(prefix, 2);
        String id = create("""
                {"targetVersion": "3", "slugPattern": "%s*",
                 "stages": [{"name": "canary", "size": 1, "pauseAfterSeconds": 3600}, {"name": "rest"}]}
                """.formatted(prefix));
        await().atMost(WorkerTestSupport.TIMEOUT)
                .untilAsserted(() ->
                        assertThat(show(id).getInt("stages[0].tenants.done")).isEqualTo(1));

        TestTenant late =
                new TestTenant(java.util.UUID.randomUUID().toString(), prefix + "_late", "tenant_" + prefix + "_late");
        EventEnvelope<TenantRequested> request = late.requested();
        WorkerTestSupport.send(request);
        assertThat(((TenantMigrated) WorkerTestSupport.awaitResult(request).data()).toVersion())
                .isEqualTo("3");

        post(id, "resume", 409); // running, waiting out its pause: nothing to resume
        assertThat(show(id).getInt("tenants.total")).isEqualTo(2);
        assertThat(WorkerTestSupport.queryInt(
                        "SELECT count(*) FROM tenant_rollout_target WHERE schema_name = ?", late.schema()))
                .isZero();
        assertThat(WorkerTestSupport.queryInt(
                        "SELECT count(*) FROM migration_run WHERE schema_name = ?", late.schema()))
                .isEqualTo(1);
    }

    @Test
    void aPinnedTenantIsSkippedUnlessTheRolloutNamesIt() throws Exception {
        String prefix = TestNames.unique("pin");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 2);
        TestTenant pinned = tenants.get(0);
        EventEnvelope<TenantUpgradeRequested> pin = EventEnvelope.create(
                WorkerTestSupport.SOURCE,
                new TenantUpgradeRequested(pinned.tenantId(), pinned.slug(), pinned.schema(), "2"));
        WorkerTestSupport.send(pin);
        assertThat(WorkerTestSupport.awaitResult(pin).data()).isInstanceOf(TenantMigrated.class);

        String first = create("""
                {"targetVersion": "3", "slugPattern": "%s*", "stages": [{"name": "all"}]}
                """.formatted(prefix));
        JsonPath done = awaitState(first, "completed");
        assertThat(done.getInt("tenants.done")).isEqualTo(1);
        assertThat(done.getInt("tenants.skipped")).isEqualTo(1);
        assertThat(hasInvoices(pinned)).isFalse();

        String second = create("""
                {"targetVersion": "3", "tenants": ["%s"], "stages": [{"name": "named"}]}
                """.formatted(pinned.slug()));
        assertThat(awaitState(second, "completed").getInt("tenants.done")).isEqualTo(1);
        assertThat(hasInvoices(pinned)).isTrue();
    }

    @Test
    void aSecondRolloutToTheSameVersionIsRefusedWithTheOpenOnesIdAndADryRunCreatesNothing() throws Exception {
        String prefix = TestNames.unique("twice");
        tenantsAtVersionTwo(prefix, 3);
        String body = """
                {"targetVersion": "3", "slugPattern": "%s*",
                 "stages": [{"name": "canary", "size": 1, "gate": true}, {"name": "rest", "parallelism": 2}]}
                """.formatted(prefix);

        JsonPath plan = given().header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/admin/rollouts?dryRun=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(plan.getList("stages.name", String.class)).containsExactly("canary", "rest");
        assertThat(plan.getList("stages[0].tenants")).hasSize(1);
        assertThat(plan.getList("stages[1].tenants")).hasSize(2);
        assertThat(WorkerTestSupport.queryInt("SELECT count(*) FROM tenant_rollout WHERE state = 'running'"))
                .isZero();

        String id = create(body);
        given().header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/admin/rollouts")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString(id));
    }

    @Test
    void aRolloutGoesOnWhileItsEventsCannotBePublished() throws Exception {
        String prefix = TestNames.unique("unsent");
        List<TestTenant> tenants = tenantsAtVersionTwo(prefix, 2);
        String unreadable = "unreadable-" + prefix;
        // An event the outbox cannot send, ahead of the rollout's own: they wait behind it.
        WorkerTestSupport.execute("INSERT INTO tenant_rollout_event (event_id, rollout_id, cloud_event) VALUES ('"
                + unreadable + "', 'none', '{}')");
        try {
            String id = create("""
                    {"targetVersion": "3", "slugPattern": "%s*", "stages": [{"name": "all"}]}
                    """.formatted(prefix));

            awaitState(id, "completed");
            for (TestTenant tenant : tenants) {
                assertThat(WorkerTestSupport.tables(tenant.schema())).contains("invoices");
            }
        } finally {
            WorkerTestSupport.execute("DELETE FROM tenant_rollout_event WHERE event_id = '" + unreadable + "'");
        }
    }

    @Test
    void anInvalidStageOrUnknownVersionIsAProblemAndRolloutRoutesNeedTheOperatorRole() {
        given().header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body("{\"targetVersion\": \"99\"}")
                .post("/admin/rollouts")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("targetVersion"));
        given().header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body("{\"stages\": [{\"name\": \"x\", \"parallelism\": 0}]}")
                .post("/admin/rollouts")
                .then()
                .statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("stages[0].parallelism"));
        // This database has no tenant registry (no provisioning service migrated it).
        given().header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body("{\"plans\": [\"enterprise\"]}")
                .post("/admin/rollouts?dryRun=true")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("tenant registry"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/admin/rollouts")
                .then()
                .statusCode(401);
        given().header("Authorization", TestTokens.bearer(Roles.VIEWER))
                .post("/admin/rollouts/x/abort")
                .then()
                .statusCode(403);
        given().header("Authorization", OPERATOR)
                .get("/admin/rollouts/no-such-rollout")
                .then()
                .statusCode(404);
    }

    private static List<TestTenant> tenantsAtVersionTwo(String prefix, int count) {
        List<TestTenant> tenants = new ArrayList<>();
        List<EventEnvelope<TenantRequested>> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String slug = prefix + "_" + i;
            TestTenant tenant = new TestTenant(java.util.UUID.randomUUID().toString(), slug, "tenant_" + slug);
            tenants.add(tenant);
            requests.add(tenant.requested("2"));
        }
        requests.forEach(WorkerTestSupport::send);
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));
        return tenants;
    }

    private boolean hasInvoices(TestTenant tenant) {
        try {
            return WorkerTestSupport.tables(tenant.schema()).contains("invoices");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String create(String body) {
        return given().header("Authorization", OPERATOR)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/admin/rollouts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static JsonPath show(String id) {
        return given().header("Authorization", OPERATOR)
                .get("/admin/rollouts/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static JsonPath post(String id, String action, int status) {
        return given().header("Authorization", OPERATOR)
                .post("/admin/rollouts/" + id + "/" + action)
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    private static JsonPath awaitState(String id, String state) {
        await().atMost(WorkerTestSupport.TIMEOUT)
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(show(id).getString("state")).isEqualTo(state));
        return show(id);
    }

    private static List<EventEnvelope<?>> lifecycleEventsOf(String rolloutId, int count) {
        List<EventEnvelope<?>> events = new ArrayList<>();
        CloudEventCodec codec = new CloudEventCodec();
        WorkerTestSupport.recordsWithin(
                        Topics.TENANT_LIFECYCLE, WorkerTestSupport.TIMEOUT, r -> rolloutId.equals(r.key()), count)
                .forEach(r -> events.add(codec.decode(r.headers(), r.value())));
        // One poll can bring more than asked for: the first ones, in topic order.
        assertThat(events).hasSizeGreaterThanOrEqualTo(count);
        return events.subList(0, count);
    }

    private static List<EventEnvelope<?>> resultsCorrelatedTo(String rolloutId, int count) {
        List<EventEnvelope<?>> results = new ArrayList<>();
        CloudEventCodec codec = new CloudEventCodec();
        WorkerTestSupport.recordsWithin(
                        Topics.TENANT_MIGRATION_RESULTS,
                        WorkerTestSupport.TIMEOUT,
                        r -> rolloutId.equals(WorkerTestSupport.header(r, CloudEventCodec.CE_CORRELATIONID)),
                        count)
                .forEach(r -> results.add(codec.decode(r.headers(), r.value())));
        // Every result of the rollout: no more may come than asked for.
        assertThat(results).hasSize(count);
        return results;
    }
}
