package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.CODEC;
import static dev.tenantry.provisioning.ProvisioningTestSupport.TEST_SOURCE;
import static dev.tenantry.provisioning.ProvisioningTestSupport.TIMEOUT;
import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.decode;
import static dev.tenantry.provisioning.ProvisioningTestSupport.operator;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.sendAll;
import static dev.tenantry.provisioning.ProvisioningTestSupport.sendCommand;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.testinfra.RawHttp;
import dev.tenantry.testinfra.RawHttp.Answer;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Requests a fuzzer sends: control characters in ids and JSON, targets that are not URIs,
 * oversized headers and bodies, parameters of the wrong type. Each gets a 4xx problem document,
 * never a 5xx and never an empty or HTML answer. Sent over a raw socket, so that no client
 * escapes or refuses them first. And commands on Kafka that cannot be read or carried out: each
 * is answered or dead-lettered, and the commands after them are still carried out.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class ProvisioningHostileInputIT {

    @Test
    void aNulCharacterInAPathIdIsABadRequest() {
        String id = createTenant(TestNames.unique("nulpath"));
        assertProblem(get("/tenants/%00", viewer()), 400);
        assertProblem(get("/tenants/" + id + "%00", viewer()), 400);
        assertProblem(get("/tenants/%00/timeline", viewer()), 400);
        assertProblem(raw("DELETE", "/tenants/a%00b", admin(), null), 400);
        assertProblem(raw("POST", "/tenants/a%00b/upgrade", admin(), null), 400);
        assertProblem(get("/tenants?cursor=%00", viewer()), 400);
    }

    @Test
    void aNulCharacterInJsonTextIsABadRequest() {
        String slug = TestNames.unique("nulbody");
        for (String body : new String[] {
            "{\"slug\":\"" + slug + "\",\"displayName\":\"x\",\"metadata\":{\"a\\u0000b\":\"v\"}}",
            "{\"slug\":\"" + slug + "\",\"displayName\":\"x\",\"metadata\":{\"k\":\"v\\u0000\"}}",
            "{\"slug\":\"" + slug + "\",\"displayName\":\"x\\u0000\"}",
            "{\"slug\":\"" + slug + "\\u0000\",\"displayName\":\"x\"}"
        }) {
            Answer answer = raw("POST", "/tenants", admin(), body);
            assertProblem(answer, 400);
            assertThat(answer.body()).doesNotContain("\u0000");
        }
        String id = createTenant(TestNames.unique("nulupgrade"));
        assertProblem(raw("POST", "/tenants/" + id + "/upgrade", admin(), "{\"targetVersion\":\"3\\u0000\"}"), 400);
    }

    @Test
    void aCreateTenantCommandWithANulCharacterIsRejectedWithACleanReason() {
        String commandId = UUID.randomUUID().toString();
        sendCommand(EventEnvelope.create(
                TEST_SOURCE,
                new CreateTenant(
                        commandId, TestNames.unique("nulcmd"), "Nul Inc", null, Map.of("region\u0000", "eu"))));
        String valueCommandId = UUID.randomUUID().toString();
        sendCommand(EventEnvelope.create(
                TEST_SOURCE,
                new CreateTenant(
                        valueCommandId, TestNames.unique("nulval"), "Nul Inc", null, Map.of("region", "e\u0000u"))));

        Map<String, TenantRequestRejected> rejected = new HashMap<>();
        read(Topics.TENANT_LIFECYCLE, r -> "TenantRequestRejected".equals(simpleType(r)), got -> {
            got.forEach(r -> {
                TenantRequestRejected event = (TenantRequestRejected) decode(r).data();
                rejected.put(event.commandId(), event);
            });
            return rejected.containsKey(commandId) && rejected.containsKey(valueCommandId);
        });
        for (String id : new String[] {commandId, valueCommandId}) {
            assertThat(rejected.get(id).reason())
                    .contains("metadata")
                    .contains("control characters")
                    .doesNotContain("\u0000")
                    .doesNotContainIgnoringCase("sql")
                    .doesNotContainIgnoringCase("unicode");
        }
    }

    @Test
    void aBurstOfUnreadableCommandsOnOnePartitionIsAllDeadLetteredAndTheCommandAfterItIsCarriedOut() throws Exception {
        // Sent in one batch to one partition, so that the channel polls them together and has
        // several records of the partition queued while it dead-letters the first ones.
        String key = "burst-" + UUID.randomUUID();
        List<ProducerRecord<String, byte[]>> burst = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(
                    Topics.TENANT_COMMANDS, 0, key, ("not a command " + i).getBytes(StandardCharsets.UTF_8));
            if (i % 2 == 0) {
                garbage.headers().add("ce_type", "com.example.nonsense".getBytes(StandardCharsets.UTF_8));
            }
            burst.add(garbage);
        }
        String slug = TestNames.unique("afterburst");
        ProducerRecord<String, byte[]> valid = CODEC.toRecord(
                Topics.TENANT_COMMANDS,
                EventEnvelope.create(
                        TEST_SOURCE, new CreateTenant(UUID.randomUUID().toString(), slug, "After", null, Map.of())));
        burst.add(new ProducerRecord<>(valid.topic(), 0, key, valid.value(), valid.headers()));
        sendAll(burst);

        List<ConsumerRecord<String, byte[]>> deadLetters = read(
                Topics.deadLetter(Topics.TENANT_COMMANDS, "provisioning-service"),
                r -> key.equals(r.key()),
                got -> got.size() >= 30);
        assertThat(deadLetters).hasSize(30);
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(queryLong("SELECT count(*) FROM tenant WHERE slug = ?", slug))
                        .isEqualTo(1));
    }

    @Test
    void aTargetThatIsNotAUriIsABadRequest() {
        assertProblem(get("/tenants/{id}", viewer()), 400);
        assertProblem(get("/tenants/a}b", viewer()), 400);
        assertProblem(get("/tenants/a|b", viewer()), 400);
        assertProblem(raw("DELETE", "/tenants/{x}", admin(), null), 400);
        assertProblem(get("/tenants?limit={1}", viewer()), 400);
    }

    @Test
    void aMalformedOrDoublyEncodedPercentEscapeIsABadRequest() {
        assertProblem(get("/tenants/%zz", viewer()), 400);
        // Decoded twice on the way to a resource: a NUL for PostgreSQL, a malformed escape.
        assertProblem(raw("DELETE", "/tenants/1%25%300;%2D", admin(), null), 400);
        assertProblem(get("/tenants/%25z%7A;x", viewer()), 400);
        assertProblem(get("/tenants/a%", viewer()), 400);
        assertProblem(raw("DELETE", "/tenants/%z%7A", admin(), null), 400);
        assertProblem(raw("POST", "/tenants/%%30%30/upgrade", admin(), "{\"targetVersion\":\"3\"}"), 400);
    }

    @Test
    void oversizedHeadersTargetsAndBodiesGetProblems() {
        assertProblem(
                RawHttp.send(
                        port(),
                        "GET",
                        "/tenants",
                        Map.of("Authorization", viewer(), "X-Padding", "p".repeat(40_000)),
                        null),
                431);
        assertProblem(get("/tenants/" + "a".repeat(5_000), viewer()), 414);
        byte[] twoMiB = ("{\"slug\":\"x\",\"displayName\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertProblem(
                RawHttp.send(
                        port(),
                        "POST",
                        "/tenants",
                        Map.of("Authorization", admin(), "Content-Type", "application/json"),
                        twoMiB),
                413);
        assertProblem(
                RawHttp.sendChunked(
                        port(),
                        "POST",
                        "/tenants",
                        Map.of("Authorization", admin(), "Content-Type", "application/json"),
                        twoMiB),
                413);
        byte[] twentyKiB =
                ("{\"slug\":\"x\",\"displayName\":\"" + "x".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertProblem(
                RawHttp.send(
                        port(),
                        "POST",
                        "/tenants",
                        Map.of("Authorization", admin(), "Content-Type", "application/json"),
                        twentyKiB),
                413);
        assertProblem(
                RawHttp.send(
                        port(),
                        "POST",
                        "/admin/dead-letters/replay",
                        Map.of("Authorization", operator(), "Content-Type", "application/json"),
                        twoMiB),
                413);
    }

    @Test
    void parametersOfTheWrongTypeAreBadRequests() {
        assertProblem(get("/tenants?limit=abc", viewer()), 400);
        assertProblem(get("/tenants?limit=1.5", viewer()), 400);
        assertProblem(get("/admin/dead-letters?limit=abc", operator()), 400);
        assertProblem(get("/admin/dead-letters/tenant-commands/abc/0", operator()), 400);
    }

    @Test
    void routesThatDoNotExistAreProblemsToo() {
        assertProblem(get("/no-such-route", viewer()), 404);
        assertProblem(raw("PATCH", "/tenants", admin(), "{}"), 405);
    }

    private static Answer get(String target, String token) {
        return raw("GET", target, token, null);
    }

    private static Answer raw(String method, String target, String token, String json) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", token);
        if (json != null) {
            headers.put("Content-Type", "application/json");
        }
        return RawHttp.send(
                port(), method, target, headers, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private static int port() {
        return RestAssured.port;
    }

    static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.contentType()).as("content type of %s", answer).startsWith("application/problem+json");
        assertThat(answer.body()).as("body of %s", answer).contains("\"status\":" + status);
    }
}
