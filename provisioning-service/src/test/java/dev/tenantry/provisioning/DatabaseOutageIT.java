package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.infra;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** While PostgreSQL is away the API says so (503, Retry-After), and serves again once it is back. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class DatabaseOutageIT {

    @Test
    void requestsDuringADatabaseOutageAreAnsweredServiceUnavailableWithRetryAfter() {
        assumeTrue(infra().canRestartPostgres(), "provider cannot restart PostgreSQL");
        String id = createTenant(TestNames.unique("before"));
        String slug = TestNames.unique("during");

        infra().stopPostgres();
        try {
            given().header("Authorization", admin())
                    .contentType(ContentType.JSON)
                    .body(Map.of("slug", slug, "displayName", "During the outage"))
                    .when()
                    .post("/tenants")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("status", equalTo(503))
                    .body("type", equalTo("https://tenantry.dev/problems/service-unavailable"));
            given().header("Authorization", viewer())
                    .when()
                    .get("/tenants/" + id)
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("status", equalTo(503));
        } finally {
            infra().startPostgres();
        }

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> given().header("Authorization", viewer())
                        .when()
                        .get("/tenants/" + id)
                        .then()
                        .statusCode(200));
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "After the outage"))
                .when()
                .post("/tenants")
                .then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }
}
