package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.execute;
import static dev.tenantry.provisioning.ProvisioningTestSupport.operator;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static dev.tenantry.provisioning.ProvisioningTestSupport.status;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.Topics;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A rollout run by the real worker against tenants signed up through this service: it selects
 * them by the plan and metadata the registry holds, and every tenant's result reaches the registry
 * through the saga (upgraded, or failed with its data and version kept, then upgraded by a retry).
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class RolloutRegistryIT {

    private static final String RELEASE = "CREATE TABLE loyalty_tiers (id bigint PRIMARY KEY, name text NOT NULL);\n";

    private static ChildServiceProcess releasedWorker;

    @AfterAll
    static void backToTheSharedWorker() {
        if (releasedWorker != null) {
            releasedWorker.close();
        }
    }

    @Test
    void aRolloutByPlanAndMetadataUpgradesOnlyThoseTenantsAndTheRegistryFollowsEachResult() throws Exception {
        ChildServiceProcess.sharedWorker();
        String plan = TestNames.unique("gold");
        String first = TestNames.unique("eu_one");
        String second = TestNames.unique("eu_two");
        String us = TestNames.unique("us");
        String free = TestNames.unique("free");
        String firstId = signUp(first, plan, "eu");
        String secondId = signUp(second, plan, "eu");
        String usId = signUp(us, plan, "us");
        String freeId = signUp(free, "free", "eu");
        for (String id : List.of(firstId, secondId, usId, freeId)) {
            awaitStatus(id, "ACTIVE");
        }
        // The release's table is already there in one schema: its upgrade fails, its data stays.
        execute("CREATE TABLE tenant_" + second + ".loyalty_tiers (legacy text)");
        releasedWorker = workerWithRelease4();

        worker().body("{\"plans\": [\"\"]}")
                .post("/admin/rollouts?dryRun=true")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        String selection = """
                {"targetVersion": "4", "plans": ["%s"], "metadata": {"region": "eu"},
                 "stages": [{"name": "all", "maxFailures": 1}]}
                """.formatted(plan);
        JsonPath dryRun = worker().body(selection)
                .post("/admin/rollouts?dryRun=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(dryRun.getList("stages[0].tenants.schema", String.class))
                .containsExactly("tenant_" + first, "tenant_" + second);

        String rollout = worker().body(selection)
                .post("/admin/rollouts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        awaitRollout(rollout, "completed");

        awaitVersion(firstId, "4");
        assertThat(status(firstId)).isEqualTo("ACTIVE");
        assertThat(timeline(firstId)).contains("transition:ACTIVE->ACTIVE");
        awaitStatus(secondId, "UPGRADE_FAILED");
        assertThat(version(secondId)).isEqualTo("3");
        assertThat(given().header("Authorization", viewer())
                        .get("/tenants/" + secondId)
                        .then()
                        .extract()
                        .<String>path("failureReason"))
                .contains("loyalty_tiers");
        for (String untouched : List.of(usId, freeId)) {
            assertThat(version(untouched)).isEqualTo("3");
        }
        assertThat(loyaltyTables(us) + loyaltyTables(free)).isZero();
        assertThat(lifecycle(firstId, "TenantUpgraded")).endsWith("TenantUpgraded");
        assertThat(lifecycle(secondId, "TenantUpgradeFailed")).endsWith("TenantUpgradeFailed");

        // Fixed by hand, then retried by the rollout: the registry sees the tenant upgraded.
        execute("DROP TABLE tenant_" + second + ".loyalty_tiers");
        worker().post("/admin/rollouts/" + rollout + "/retry-failed").then().statusCode(200);
        awaitRollout(rollout, "completed");
        awaitVersion(secondId, "4");
        assertThat(status(secondId)).isEqualTo("ACTIVE");
        assertThat(timeline(secondId))
                .containsSubsequence("transition:ACTIVE->UPGRADE_FAILED", "transition:UPGRADE_FAILED->ACTIVE");
    }

    private static String signUp(String slug, String plan, String region) {
        return given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", slug, "plan", plan, "metadata", Map.of("region", region)))
                .post("/tenants")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    private static ChildServiceProcess workerWithRelease4() throws Exception {
        Path release = Files.createDirectories(Path.of("target", "loyalty-release"));
        Files.writeString(release.resolve("V4__loyalty_tiers.sql"), RELEASE);
        ChildServiceProcess.stopSharedWorker();
        // No spare pool: this worker would drop the shared worker's spares (built at 3) and build
        // its own at 4, and the shared worker, back for the next test class, would do the reverse;
        // hundreds of schemas dropped and built while that class waits for its tenants.
        return ChildServiceProcess.startWorker(
                "loyalty-release",
                List.of(
                        "tenantry.worker.tenant-migrations.locations=classpath:db/tenant,filesystem:"
                                + release.toAbsolutePath(),
                        "tenantry.worker.spare-pool.size=0"));
    }

    /** The worker with release 4: the shared worker must not run beside it (another release in the group). */
    private static RequestSpecification worker() {
        return given().baseUri(releasedWorker.url())
                .header("Authorization", operator())
                .contentType(ContentType.JSON);
    }

    private static void awaitRollout(String id, String state) {
        await().atMost(ProvisioningTestSupport.TIMEOUT)
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(worker().get("/admin/rollouts/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .<String>path("state"))
                        .isEqualTo(state));
    }

    private static void awaitVersion(String tenantId, String expected) {
        await().atMost(ProvisioningTestSupport.TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> expected.equals(version(tenantId)));
    }

    private static String version(String tenantId) {
        return given().header("Authorization", viewer())
                .get("/tenants/" + tenantId)
                .then()
                .statusCode(200)
                .extract()
                .path("currentVersion");
    }

    private static long loyaltyTables(String slug) throws Exception {
        return queryLong(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'loyalty_tiers'",
                "tenant_" + slug);
    }

    /** The tenant's lifecycle event types, read until {@code last} arrives. */
    private static List<String> lifecycle(String tenantId, String last) throws Exception {
        return read(
                        Topics.TENANT_LIFECYCLE,
                        r -> tenantId.equals(r.key()),
                        got -> got.stream().anyMatch(r -> last.equals(simpleType(r))))
                .stream()
                .map(ProvisioningTestSupport::simpleType)
                .toList();
    }
}
