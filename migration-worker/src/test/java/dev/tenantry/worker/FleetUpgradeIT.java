package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.TestTokens;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import dev.tenantry.worker.model.MigrationOutcome;
import dev.tenantry.worker.service.TenantMigrator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(NextReleaseProfile.class)
class FleetUpgradeIT {

    @Inject
    TenantMigrator migrator;

    @Test
    void aNewMigrationReachesAllFiftyExistingTenantsThroughAFleetUpgrade() throws Exception {
        List<TestTenant> tenants = new ArrayList<>();
        List<EventEnvelope<TenantRequested>> requests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            TestTenant tenant = TestTenant.fresh("fleet");
            tenants.add(tenant);
            requests.add(tenant.requested());
        }
        requests.forEach(WorkerTestSupport::send);
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));

        Files.writeString(NextReleaseProfile.RELEASE_DIR.resolve("V4__loyalty_points.sql"), """
                ALTER TABLE customers ADD COLUMN loyalty_points integer NOT NULL DEFAULT 0;
                CREATE INDEX customers_loyalty_idx ON customers (loyalty_points);
                """);
        String operator = TestTokens.bearer(Roles.OPERATOR);

        JsonPath drift = given().header("Authorization", operator)
                .get("/admin/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(drift.getString("latest")).isEqualTo("4");
        assertThat(drift.getList("behind.schema", String.class))
                .containsAll(tenants.stream().map(TestTenant::schema).toList());

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

        JsonPath progress = given().header("Authorization", operator)
                .get("/admin/fleet-upgrade")
                .then()
                .extract()
                .jsonPath();
        // Other test classes share this database and leave some tenants broken on purpose (history
        // edited by hand): those may fail, ours may not.
        assertThat(progress.getList("failures.schema", String.class))
                .doesNotContainAnyElementsOf(
                        tenants.stream().map(TestTenant::schema).toList());
        assertThat(progress.getInt("done")).isGreaterThanOrEqualTo(50);
        for (TestTenant tenant : tenants) {
            assertThat(queryInt("""
                    SELECT count(*) FROM information_schema.columns
                    WHERE table_schema = ? AND table_name = 'customers' AND column_name = 'loyalty_points'
                    """, tenant.schema())).as(tenant.schema()).isEqualTo(1);
        }
        // The fleet path wrote the history rows Flyway would have: Flyway validates and finds nothing to do.
        MigrationOutcome again =
                migrator.migrate(new TenantSchema(tenants.get(0).schema()), null);
        assertThat(again.succeeded()).as(again.errorMessage()).isTrue();
        assertThat(again.appliedCount()).isZero();
        assertThat(again.toVersion()).isEqualTo("4");

        JsonPath after = given().header("Authorization", operator)
                .get("/admin/drift")
                .then()
                .extract()
                .jsonPath();
        assertThat(after.getList("behind.schema", String.class))
                .doesNotContainAnyElementsOf(
                        tenants.stream().map(TestTenant::schema).toList());
    }
}
