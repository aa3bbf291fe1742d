package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.execute;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.TestNames;
import dev.tenantry.testinfra.TestTokens;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DriftIT {

    @Test
    void verifyOverTwoHundredTenantsReturnsExactlyTheTwentyThatAreBehind() {
        String prefix = TestNames.unique("drift");
        List<String> behindSchemas = new ArrayList<>();
        List<String> currentSchemas = new ArrayList<>();
        List<EventEnvelope<TenantRequested>> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TestTenant tenant = TestTenant.fresh(prefix + "_" + i);
            boolean behind = i % 10 == 0;
            (behind ? behindSchemas : currentSchemas).add(tenant.schema());
            requests.add(behind ? tenant.requested("2") : tenant.requested());
        }
        requests.forEach(WorkerTestSupport::send);
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));

        JsonPath report = given().header("Authorization", TestTokens.bearer(Roles.OPERATOR))
                .get("/admin/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        List<Map<String, Object>> behind = report.getList("behind");
        List<Map<String, Object>> ours = behind.stream()
                .filter(b -> ((String) b.get("schema")).startsWith("tenant_" + prefix))
                .toList();
        assertThat(ours).extracting(b -> b.get("schema")).containsExactlyInAnyOrderElementsOf(behindSchemas);
        assertThat(ours).allSatisfy(b -> {
            assertThat(b.get("current")).isEqualTo("2");
            assertThat(b.get("latest")).isEqualTo("3");
            assertThat(b.get("pending")).isEqualTo(List.of("3"));
        });
        assertThat(report.getInt("totalTenants")).isGreaterThanOrEqualTo(200);
        assertThat(report.getInt("upToDate")).isGreaterThanOrEqualTo(180);
    }

    @Test
    void verifySeesHistoryEditedByHandAndSchemasThatAreNotTracked() throws Exception {
        TestTenant edited = TestTenant.fresh("edited");
        TestTenant untracked = TestTenant.fresh("untracked");
        List<EventEnvelope<TenantRequested>> requests = List.of(edited.requested(), untracked.requested());
        requests.forEach(WorkerTestSupport::send);
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));
        // Someone "un-applies" V3 by hand; another schema loses its tracking trigger and then its V3 row.
        execute("DELETE FROM " + edited.schema() + ".flyway_schema_history WHERE version = '3'");
        execute("DROP TRIGGER tenantry_track_version ON " + untracked.schema() + ".flyway_schema_history");
        execute("DELETE FROM " + untracked.schema() + ".flyway_schema_history WHERE version = '3'");

        JsonPath report = given().header("Authorization", TestTokens.bearer(Roles.OPERATOR))
                .get("/admin/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(report.getList("behind.schema", String.class)).contains(edited.schema(), untracked.schema());
    }

    @Test
    void deepVerifyFindsATableDroppedByHandThatVersionNumbersCannotSee() throws Exception {
        TestTenant tenant = TestTenant.fresh("handmade");
        EventEnvelope<TenantRequested> request = tenant.requested();
        WorkerTestSupport.send(request);
        awaitResult(request);
        execute("DROP TABLE " + tenant.schema() + ".invoices");
        execute("ALTER TABLE " + tenant.schema() + ".customers ADD COLUMN nickname text");

        JsonPath report = given().header("Authorization", TestTokens.bearer(Roles.OPERATOR))
                .queryParam("deep", true)
                .get("/admin/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        List<String> behindSchemas = report.getList("behind.schema", String.class);
        assertThat(behindSchemas).doesNotContain(tenant.schema());
        Map<String, Object> drift = report.<Map<String, Object>>getList("deep").stream()
                .filter(d -> tenant.schema().equals(d.get("schema")))
                .findFirst()
                .orElseThrow();
        assertThat((List<String>) drift.get("missing")).contains("table invoices");
        assertThat((List<String>) drift.get("unexpected")).contains("column customers.nickname text");
    }

    @Test
    void aTenantPinnedToATargetVersionIsReportedPinnedAndLeftAloneByDriftRepairUntilUnpinned() throws Exception {
        TestTenant pinned = TestTenant.fresh("pinned");
        TestTenant loose = TestTenant.fresh("loose");
        List<EventEnvelope<TenantRequested>> requests = List.of(pinned.requested("1"), loose.requested("2"));
        requests.forEach(WorkerTestSupport::send);
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));
        // The tenant's owner asked for version 2 exactly: an upgrade with a target version.
        EventEnvelope<TenantUpgradeRequested> pin = EventEnvelope.create(
                WorkerTestSupport.SOURCE,
                new TenantUpgradeRequested(pinned.tenantId(), pinned.slug(), pinned.schema(), "2"));
        WorkerTestSupport.send(pin);
        assertThat(awaitResult(pin).data()).isInstanceOf(TenantMigrated.class);
        String operator = TestTokens.bearer(Roles.OPERATOR);

        JsonPath report = given().header("Authorization", operator)
                .get("/admin/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(report.getList("behind.schema", String.class))
                .contains(loose.schema())
                .doesNotContain(pinned.schema());
        Map<String, Object> entry = report.<Map<String, Object>>getList("pinned").stream()
                .filter(p -> pinned.schema().equals(p.get("schema")))
                .findFirst()
                .orElseThrow();
        assertThat(entry)
                .containsEntry("tenant", pinned.tenantId())
                .containsEntry("current", "2")
                .containsEntry("pinnedVersion", "2")
                .containsEntry("latest", "3");

        // Drift repair (what auto-heal runs) brings the loose tenant up and leaves the pinned one.
        given().header("Authorization", operator)
                .post("/admin/drift/fix")
                .then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().header("Authorization", operator)
                        .get("/admin/fleet-upgrade")
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("finished"))
                        .body("remaining", equalTo(0)));
        assertThat(historyVersion(loose.schema())).isEqualTo(3);
        assertThat(historyVersion(pinned.schema())).isEqualTo(2);

        // An upgrade without a target version unpins: to the latest, and from then on repaired like any other.
        EventEnvelope<TenantUpgradeRequested> unpin = pinned.upgradeRequested();
        WorkerTestSupport.send(unpin);
        assertThat(((TenantMigrated) awaitResult(unpin).data()).toVersion()).isEqualTo("3");
        JsonPath after = given().header("Authorization", operator)
                .get("/admin/drift")
                .then()
                .extract()
                .jsonPath();
        assertThat(after.getList("pinned.schema", String.class)).doesNotContain(pinned.schema());
    }

    private static int historyVersion(String schema) throws Exception {
        return WorkerTestSupport.queryInt(
                "SELECT max(version::int) FROM " + schema + ".flyway_schema_history WHERE success");
    }

    @Test
    void adminRoutesRefuseMissingTokensAndWrongRolesWithProblemJson() {
        given().get("/admin/drift").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer(Roles.VIEWER))
                .get("/admin/drift")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer not-a-jwt")
                .get("/admin/drift")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }
}
