package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.infra;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.RawHttp;
import dev.tenantry.testinfra.RawHttp.Answer;
import dev.tenantry.testinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The worker's admin API under hostile requests (each a 4xx problem document, never a 5xx) and
 * while PostgreSQL is away (503 with Retry-After). Sent over a raw socket, so that no client
 * escapes or refuses them first.
 */
@QuarkusTest
class WorkerHostileInputIT {

    private static final String OPERATOR = TestTokens.bearer(Roles.OPERATOR);

    @Test
    void aNulCharacterOrAnUnescapedBraceInAPathIsABadRequest() {
        assertProblem(get("/admin/tenants/%00/runs"), 400);
        assertProblem(get("/admin/tenants/a%00b/runs"), 400);
        assertProblem(get("/admin/tenants/{id}/runs"), 400);
        assertProblem(get("/admin/tenants/a}b/runs"), 400);
        assertProblem(get("/admin/dead-letters?tenant=%00"), 400);
        assertProblem(get("/admin/tenants/%zz/runs"), 400);
        assertProblem(get("/admin/tenants/a%/runs"), 400);
    }

    @Test
    void parametersOfTheWrongTypeAreBadRequests() {
        assertProblem(get("/admin/tenants/" + UUID.randomUUID() + "/runs?limit=abc"), 400);
        assertProblem(get("/admin/dead-letters?limit=abc"), 400);
    }

    @Test
    void oversizedHeadersAndBodiesGetProblems() {
        assertProblem(
                RawHttp.send(
                        RestAssured.port,
                        "GET",
                        "/admin/drift",
                        Map.of("Authorization", OPERATOR, "X-Padding", "p".repeat(40_000)),
                        null),
                431);
        byte[] twoMiB = ("{\"eventId\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        Map<String, String> json = Map.of("Authorization", OPERATOR, "Content-Type", "application/json");
        assertProblem(RawHttp.send(RestAssured.port, "POST", "/admin/dead-letters/replay", json, twoMiB), 413);
        assertProblem(RawHttp.sendChunked(RestAssured.port, "POST", "/admin/dead-letters/replay", json, twoMiB), 413);
        byte[] thirtyKiB = ("{\"eventId\":\"" + "x".repeat(30_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertProblem(RawHttp.send(RestAssured.port, "POST", "/admin/dead-letters/replay", json, thirtyKiB), 413);
        assertProblem(get("/admin/" + "a".repeat(5_000)), 414);
    }

    @Test
    void routesThatDoNotExistAreProblemsToo() {
        assertProblem(get("/no-such-route"), 404);
    }

    @Test
    void whilePostgresIsAwayTheRunLogAnswersServiceUnavailable() {
        assumeTrue(infra().canRestartPostgres(), "provider cannot restart PostgreSQL");
        String tenantId = UUID.randomUUID().toString();
        given().header("Authorization", OPERATOR)
                .when()
                .get("/admin/tenants/" + tenantId + "/runs")
                .then()
                .statusCode(200);
        infra().stopPostgres();
        try {
            given().header("Authorization", OPERATOR)
                    .when()
                    .get("/admin/tenants/" + tenantId + "/runs")
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
                .untilAsserted(() -> given().header("Authorization", OPERATOR)
                        .when()
                        .get("/admin/tenants/" + tenantId + "/runs")
                        .then()
                        .statusCode(200));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    private static Answer get(String target) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", OPERATOR);
        return RawHttp.send(RestAssured.port, "GET", target, headers, null);
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.contentType()).as("content type of %s", answer).startsWith("application/problem+json");
        assertThat(answer.body()).as("body of %s", answer).contains("\"status\":" + status);
    }
}
