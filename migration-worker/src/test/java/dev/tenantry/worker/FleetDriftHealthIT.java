package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.execute;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.TestTokens;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FleetDriftHealthIT {

    @Test
    void aTenantBehindAndASchemaGoneShowInTheFleetCheckWhileReadinessStaysUp() throws Exception {
        TestTenant behind = TestTenant.fresh("fleetbehind");
        TestTenant gone = TestTenant.fresh("fleetgone");
        List<EventEnvelope<TenantRequested>> requests = List.of(behind.requested("2"), gone.requested());
        requests.forEach(WorkerTestSupport::send);
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));
        execute("DROP SCHEMA " + gone.schema() + " CASCADE");
        Instant drifted = Instant.now();

        JsonPath verified = given().header("Authorization", TestTokens.bearer(Roles.OPERATOR))
                .get("/admin/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(verified.getList("behind.schema", String.class)).contains(behind.schema());
        assertThat(verified.getList("missingSchema.schema", String.class)).contains(gone.schema());

        // The check refreshes in the background: wait for a report made after the drift.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonPath ready = given().get("/q/health/ready")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath();
                    assertThat(ready.getString("status")).isEqualTo("UP");
                    Map<String, Object> check = ready.getMap("checks.find { it.name == 'fleet-drift' }");
                    assertThat(check).containsEntry("status", "UP");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> data = (Map<String, Object>) check.get("data");
                    assertThat(data).containsKey("checkedAt");
                    assertThat(Instant.parse((String) data.get("checkedAt"))).isAfter(drifted);
                    assertThat(data)
                            .containsEntry("drift", true)
                            .containsEntry("latestVersion", verified.getString("latest"))
                            .containsEntry("behind", verified.getList("behind").size())
                            .containsEntry(
                                    "missingSchema",
                                    verified.getList("missingSchema").size())
                            .containsEntry("failed", verified.getList("failed").size())
                            .containsEntry("tenants", verified.getInt("totalTenants"));
                });
    }
}
