package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.admin;
import static dev.tenantry.dispatcher.DispatcherTestSupport.operator;
import static dev.tenantry.dispatcher.DispatcherTestSupport.register;
import static dev.tenantry.dispatcher.DispatcherTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.testinfra.RawHttp;
import dev.tenantry.testinfra.RawHttp.Answer;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's API under hostile requests: each gets a 4xx problem document, never a 5xx.
 * Sent over a raw socket, so that no client escapes or refuses them first.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class DispatcherHostileInputIT {

    private static final String URL = "http://127.0.0.1:9/hostile-input";

    @Test
    void aNulCharacterInJsonTextIsABadRequest() {
        String tenant = UUID.randomUUID().toString();
        String created = "{\"url\":\"" + URL + "\",\"description\":\"a\\u0000b\",\"tenantIds\":[\"" + tenant + "\"]}";
        Answer answer = send("POST", "/webhook-endpoints", admin(), created);
        assertProblem(answer, 400);
        assertThat(answer.body()).contains("description").doesNotContain("\u0000");
        assertProblem(
                send("POST", "/webhook-endpoints", admin(), "{\"url\":\"" + URL + "\",\"tenantIds\":[\"a\\u0000\"]}"),
                400);

        String id = register(URL, tenant).id();
        assertProblem(
                send(
                        "PUT",
                        "/webhook-endpoints/" + id,
                        admin(),
                        "{\"url\":\"" + URL + "\",\"description\":\"\\u0000\",\"tenantIds\":[\"" + tenant + "\"]}"),
                400);
    }

    @Test
    void aNulCharacterOrAnUnescapedBraceInAPathOrQueryIsABadRequest() {
        assertProblem(send("GET", "/webhook-endpoints/%00", viewer(), null), 400);
        assertProblem(send("DELETE", "/webhook-endpoints/a%00b", admin(), null), 400);
        assertProblem(send("GET", "/webhook-endpoints?tenant=%00", viewer(), null), 400);
        assertProblem(send("GET", "/webhook-deliveries?tenant=a%00", viewer(), null), 400);
        assertProblem(send("GET", "/webhook-endpoints/{id}", viewer(), null), 400);
        assertProblem(send("GET", "/webhook-deliveries/a}b", viewer(), null), 400);
        assertProblem(send("PUT", "/webhook-endpoints/%zz", admin(), "{}"), 400);
        assertProblem(send("GET", "/webhook-endpoints/a%", viewer(), null), 400);
    }

    @Test
    void parametersOfTheWrongTypeAreBadRequests() {
        assertProblem(send("GET", "/webhook-endpoints?limit=abc", viewer(), null), 400);
        assertProblem(send("GET", "/webhook-deliveries?limit=abc", viewer(), null), 400);
        assertProblem(send("GET", "/admin/dead-letters?limit=abc", operator(), null), 400);
    }

    @Test
    void oversizedHeadersAndBodiesGetProblems() {
        assertProblem(
                RawHttp.send(
                        RestAssured.port,
                        "GET",
                        "/webhook-endpoints",
                        Map.of("Authorization", viewer(), "X-Padding", "p".repeat(40_000)),
                        null),
                431);
        byte[] twoMiB = ("{\"url\":\"" + URL + "\",\"description\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> json = Map.of("Authorization", admin(), "Content-Type", "application/json");
        assertProblem(RawHttp.send(RestAssured.port, "POST", "/webhook-endpoints", json, twoMiB), 413);
        assertProblem(RawHttp.sendChunked(RestAssured.port, "POST", "/webhook-endpoints", json, twoMiB), 413);
        assertProblem(
                RawHttp.send(
                        RestAssured.port,
                        "POST",
                        "/admin/dead-letters/replay",
                        Map.of("Authorization", operator(), "Content-Type", "application/json"),
                        twoMiB),
                413);
        assertProblem(send("GET", "/webhook-endpoints/" + "a".repeat(5_000), viewer(), null), 414);
    }

    @Test
    void routesThatDoNotExistAreProblemsToo() {
        assertProblem(send("GET", "/no-such-route", viewer(), null), 404);
    }

    private static Answer send(String method, String target, String token, String json) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", token);
        if (json != null) {
            headers.put("Content-Type", "application/json");
        }
        return RawHttp.send(
                RestAssured.port, method, target, headers, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.contentType()).as("content type of %s", answer).startsWith("application/problem+json");
        assertThat(answer.body()).as("body of %s", answer).contains("\"status\":" + status);
    }
}
