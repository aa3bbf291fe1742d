package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.operator;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP contract: authentication, roles, validation and problem documents, paging. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class RestApiIT {

    private static final String PROBLEM = "application/problem+json";

    /**
     * Tenants created here must stay PROVISIONING (the status filter is checked against them), so no
     * worker may answer: the shared worker that an earlier test class left running is stopped.
     * Test classes run in no fixed order.
     */
    @BeforeAll
    static void noWorkerAnswers() {
        ChildServiceProcess.stopSharedWorker();
    }

    /** Every mutating route, as a request on a given spec. */
    private static List<Function<RequestSpecification, io.restassured.response.Response>> mutatingRoutes(String id) {
        return List.of(
                spec -> spec.contentType(ContentType.JSON)
                        .body(Map.of("slug", TestNames.unique("auth"), "displayName", "x"))
                        .post("/tenants"),
                spec -> spec.post("/tenants/" + id + "/upgrade"),
                spec -> spec.delete("/tenants/" + id),
                spec -> spec.post("/admin/saga/sweep"));
    }

    @Test
    void everyMutatingRouteNeedsAValidTokenAndTheRightRole() {
        String id = createTenant(TestNames.unique("guarded"));
        for (var route : mutatingRoutes(id)) {
            route.apply(given()).then().statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", "Bearer");
            route.apply(given().header("Authorization", "Bearer not-a-jwt"))
                    .then()
                    .statusCode(401)
                    .contentType(PROBLEM);
            route.apply(given().header("Authorization", viewer()))
                    .then()
                    .statusCode(403)
                    .contentType(PROBLEM)
                    .body("status", equalTo(403));
        }
        given().header("Authorization", admin())
                .when()
                .get("/admin/relay")
                .then()
                .statusCode(403)
                .contentType(PROBLEM);
        given().when().get("/tenants/" + id).then().statusCode(401).contentType(PROBLEM);
        for (String token : List.of(viewer(), admin(), operator())) {
            given().header("Authorization", token)
                    .when()
                    .get("/tenants/" + id)
                    .then()
                    .statusCode(200);
        }
        given().header("Authorization", operator())
                .when()
                .get("/admin/relay")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true));
    }

    @Test
    void badBodiesGetProblemDocumentsAndNeverAServerError() {
        String ok = TestNames.unique("valid");
        post("{\"slug\": \"" + ok + "\", ", ContentType.JSON)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("type", containsString("malformed-json"));
        post("slug=" + ok, ContentType.TEXT).then().statusCode(415).contentType(PROBLEM);
        post("", ContentType.JSON).then().statusCode(400).contentType(PROBLEM);
        post("[]", ContentType.JSON).then().statusCode(400).contentType(PROBLEM);
        post("{\"slug\": \"" + ok + "\", \"displayName\": \"x\", \"owner\": \"me\"}", ContentType.JSON)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", hasItem("owner"));
        post("{\"slug\": \"" + ok + "\", \"displayName\": \"x\", \"metadata\": {\"a\": {\"b\": 1}}}", ContentType.JSON)
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        post("{\"slug\": \"" + ok + "\", \"displayName\": \"" + "x".repeat(20_000) + "\"}", ContentType.JSON)
                .then()
                .statusCode(413)
                .contentType(PROBLEM);
        post("{\"slug\": \"" + ok + "\"}", ContentType.JSON)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", hasItem("displayName"));
        for (String slug : List.of(
                "Upper",
                "ab",
                "1abc",
                "with-dash",
                "x".repeat(41),
                "public",
                "information_schema",
                "pg_catalog",
                "pg_mine",
                "tenantry",
                "tenantry_core",
                "deleted_acme")) {
            post("{\"slug\": \"" + slug + "\", \"displayName\": \"x\"}", ContentType.JSON)
                    .then()
                    .statusCode(400)
                    .contentType(PROBLEM)
                    .body("errors.field", hasItem("slug"));
        }
        given().header("Authorization", admin())
                .header("Idempotency-Key", "has spaces")
                .contentType(ContentType.JSON)
                .body(Map.of("slug", ok, "displayName", "x"))
                .when()
                .post("/tenants")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("targetVersion", "latest-please"))
                .when()
                .post("/tenants/" + createTenant(ok) + "/upgrade")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void aSlugHeldByALiveTenantIsAConflict() {
        String slug = TestNames.unique("dupe");
        createTenant(slug);
        post("{\"slug\": \"" + slug + "\", \"displayName\": \"again\"}", ContentType.JSON)
                .then()
                .statusCode(409)
                .contentType(PROBLEM)
                .body("detail", containsString(slug));
    }

    @Test
    void unknownTenantsAreNotFound() {
        String missing = UUID.randomUUID().toString();
        given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + missing)
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
        given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + missing + "/timeline")
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
        given().header("Authorization", admin())
                .when()
                .delete("/tenants/" + missing)
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
    }

    @Test
    void pagesFollowCursorsInCreationOrderWithoutGapsOrRepeats() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(createTenant(TestNames.unique("page")));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var spec = given().header("Authorization", viewer()).queryParam("limit", 2);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            var page = spec.when().get("/tenants").then().statusCode(200).extract();
            List<String> ids = page.path("items.id");
            assertThat(ids.size()).isLessThanOrEqualTo(2);
            seen.addAll(ids);
            cursor = page.path("nextCursor");
        } while (cursor != null);

        assertThat(seen).doesNotHaveDuplicates().containsSubsequence(created);
        List<String> statuses = given().header("Authorization", viewer())
                .queryParam("status", "provisioning")
                .queryParam("limit", 200)
                .when()
                .get("/tenants")
                .then()
                .statusCode(200)
                .extract()
                .path("items.status");
        assertThat(statuses).containsOnly("PROVISIONING");
        for (String query : List.of("limit=0", "limit=100000", "status=SLEEPING", "cursor=garbage")) {
            given().header("Authorization", viewer())
                    .when()
                    .get("/tenants?" + query)
                    .then()
                    .statusCode(400)
                    .contentType(PROBLEM);
        }
    }

    @Test
    void healthMetricsAndTheApiDocumentNeedNoToken() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("outbox-relay"))
                .body("checks.name", hasItem("kafka"))
                .body(
                        "checks.find { it.name == 'SmallRye Reactive Messaging - readiness check' }.data",
                        allOf(hasEntry("tenant-commands", "[OK]"), hasEntry("migration-results", "[OK]")))
                .body("checks.name", hasItem("Database connections health check"));
        given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("info.title", startsWith("Tenantry provisioning"));
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .contains(
                        "tenantry_tenants{",
                        "tenantry_outbox_relay_lag_seconds",
                        "tenantry_provisioning_latency_seconds",
                        "tenantry_saga_compensations_total",
                        "tenantry_commands_rejected_total");
    }

    private static io.restassured.response.Response post(String body, ContentType type) {
        return given().header("Authorization", admin())
                .contentType(type)
                .body(body)
                .when()
                .post("/tenants");
    }
}
