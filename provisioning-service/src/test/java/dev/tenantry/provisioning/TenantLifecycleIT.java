package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.CODEC;
import static dev.tenantry.provisioning.ProvisioningTestSupport.TEST_SOURCE;
import static dev.tenantry.provisioning.ProvisioningTestSupport.TIMEOUT;
import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.decode;
import static dev.tenantry.provisioning.ProvisioningTestSupport.execute;
import static dev.tenantry.provisioning.ProvisioningTestSupport.header;
import static dev.tenantry.provisioning.ProvisioningTestSupport.operator;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.schemaExists;
import static dev.tenantry.provisioning.ProvisioningTestSupport.send;
import static dev.tenantry.provisioning.ProvisioningTestSupport.sendCommand;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static dev.tenantry.provisioning.ProvisioningTestSupport.typesFor;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.UpgradeTenant;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end with the real migration worker: REST requests through the saga to Kafka and back. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class TenantLifecycleIT {

    @BeforeAll
    static void worker() {
        ChildServiceProcess.sharedWorker();
    }

    @Test
    void aTenantCreatedOverRestBecomesActiveAndItsLifecycleEventsArriveInOrder() throws Exception {
        String slug = TestNames.unique("acme");

        String id = given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "slug", slug, "displayName", "Acme Corp", "plan", "pro", "metadata", Map.of("region", "eu")))
                .when()
                .post("/tenants")
                .then()
                .statusCode(202)
                .header("Location", notNullValue())
                .body("slug", equalTo(slug))
                .body("status", equalTo("PROVISIONING"))
                .body("id", notNullValue())
                .extract()
                .path("id");

        awaitStatus(id, "ACTIVE");

        given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + slug)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("currentVersion", equalTo("3"))
                .body("schema", equalTo("tenant_" + slug))
                .body("metadata.region", equalTo("eu"));
        assertThat(schemaExists("tenant_" + slug)).isTrue();
        assertThat(queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?", "tenant_" + slug))
                .isGreaterThan(3);

        List<ConsumerRecord<String, byte[]>> lifecycle = read(
                Topics.TENANT_LIFECYCLE,
                r -> id.equals(r.key()),
                got -> got.stream().anyMatch(r -> "TenantActivated".equals(simpleType(r))));
        assertThat(lifecycle)
                .extracting(ProvisioningTestSupport::simpleType)
                .containsExactly("TenantProvisioningStarted", "TenantActivated");
        ConsumerRecord<String, byte[]> activated = lifecycle.get(1);
        assertThat(header(activated, CloudEventCodec.CE_SOURCE)).isEqualTo("urn:tenantry:provisioning-service");
        assertThat(header(activated, CloudEventCodec.CE_SUBJECT)).isEqualTo(id);
        assertThat(header(activated, CloudEventCodec.CE_SPECVERSION)).isEqualTo("1.0");
        assertThat(header(activated, CloudEventCodec.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(header(activated, CloudEventCodec.CE_CORRELATIONID))
                .isEqualTo(header(lifecycle.get(0), CloudEventCodec.CE_CORRELATIONID));
        assertThat(decode(activated).data()).isEqualTo(new TenantActivated(id, slug, "tenant_" + slug, "3"));

        assertThat(typesFor(Topics.TENANT_MIGRATION_REQUESTS, id, "TenantRequested"))
                .containsExactly("TenantRequested");
        assertThat(timeline(id))
                .containsExactly(
                        "requested:null->REQUESTED",
                        "transition:REQUESTED->PROVISIONING",
                        "migration-result",
                        "transition:PROVISIONING->ACTIVE");
        assertThat(queryLong("SELECT count(*) FROM provisioning_outbox WHERE aggregateid = ?", id))
                .as("relayed outbox rows are deleted")
                .isZero();
    }

    @Test
    void anActiveTenantIsUpgradedThenDeletedAndItsSlugCanBeUsedAgain() throws Exception {
        String slug = TestNames.unique("globex");
        String id = createTenant(slug);
        awaitStatus(id, "ACTIVE");

        given().header("Authorization", admin())
                .when()
                .post("/tenants/" + id + "/upgrade")
                .then()
                .statusCode(202)
                .body("status", equalTo("UPGRADING"));
        awaitStatus(id, "ACTIVE");
        assertThat(typesFor(Topics.TENANT_LIFECYCLE, id, "TenantUpgraded"))
                .containsExactly("TenantProvisioningStarted", "TenantActivated", "TenantUpgraded");

        given().header("Authorization", admin())
                .when()
                .delete("/tenants/" + id)
                .then()
                .statusCode(202)
                .body("status", equalTo("DELETING"));
        awaitStatus(id, "DELETED");
        assertThat(typesFor(Topics.TENANT_LIFECYCLE, id, "TenantDeleted")).endsWith("TenantDeleted");
        assertThat(typesFor(Topics.TENANT_MIGRATION_REQUESTS, id, "TenantDeletionRequested"))
                .containsExactly("TenantRequested", "TenantUpgradeRequested", "TenantDeletionRequested");
        assertThat(schemaExists("tenant_" + slug))
                .as("the schema is renamed aside")
                .isFalse();
        assertThat(timeline(id))
                .containsSubsequence(
                        "transition:ACTIVE->UPGRADING",
                        "transition:UPGRADING->ACTIVE",
                        "transition:ACTIVE->DELETING",
                        "transition:DELETING->DELETED");

        given().header("Authorization", admin())
                .when()
                .post("/tenants/" + id + "/upgrade")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        String again = createTenant(slug);
        assertThat(again).isNotEqualTo(id);
        awaitStatus(again, "ACTIVE");
    }

    @Test
    void aCreateTenantCommandOnKafkaProvisionsTheTenantOnceEvenWhenDeliveredTwice() throws Exception {
        String slug = TestNames.unique("initech");
        String commandId = UUID.randomUUID().toString();
        EventEnvelope<CreateTenant> command = EventEnvelope.create(
                TEST_SOURCE, new CreateTenant(commandId, slug, "Initech", "basic", Map.of("seats", "12")));

        sendCommand(command);
        sendCommand(command.withId(UUID.randomUUID().toString()));

        await().atMost(TIMEOUT).until(() -> queryLong("SELECT count(*) FROM tenant WHERE slug = ?", slug) == 1);
        awaitStatus(slug, "ACTIVE");
        String id = given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + slug)
                .then()
                .statusCode(200)
                .body("plan", equalTo("basic"))
                .extract()
                .path("id");
        List<ConsumerRecord<String, byte[]>> started = read(
                Topics.TENANT_LIFECYCLE,
                r -> id.equals(r.key()),
                got -> got.stream().anyMatch(r -> "TenantActivated".equals(simpleType(r))));
        assertThat(header(started.get(0), CloudEventCodec.CE_CAUSATIONID)).isEqualTo(command.id());
        assertThat(queryLong("SELECT count(*) FROM tenant WHERE slug = ?", slug))
                .isEqualTo(1);
    }

    @Test
    void commandsThatCannotBeCarriedOutAreAnsweredWithTenantRequestRejected() throws Exception {
        String taken = TestNames.unique("taken");
        createTenant(taken);
        String reservedId = UUID.randomUUID().toString();
        String takenId = UUID.randomUUID().toString();
        String unknownTenantId = UUID.randomUUID().toString();
        String unreadableId = UUID.randomUUID().toString();

        sendCommand(EventEnvelope.create(
                TEST_SOURCE, new CreateTenant(reservedId, "tenantry_internal", "Platform", null, Map.of())));
        sendCommand(EventEnvelope.create(TEST_SOURCE, new CreateTenant(takenId, taken, "Copycat", null, Map.of())));
        sendCommand(EventEnvelope.create(
                TEST_SOURCE,
                new UpgradeTenant(unknownTenantId, UUID.randomUUID().toString(), null)));
        // A slug the contract itself forbids: the record cannot even be decoded.
        String ceId = UUID.randomUUID().toString();
        send(
                Topics.TENANT_COMMANDS,
                "Bad-Slug",
                ("{\"commandId\":\"" + unreadableId + "\",\"slug\":\"Bad-Slug\",\"displayName\":\"x\"}")
                        .getBytes(StandardCharsets.UTF_8),
                Map.of(
                        "ce_specversion",
                        "1.0",
                        "ce_id",
                        ceId,
                        "ce_type",
                        EventType.CREATE_TENANT.type(),
                        "ce_source",
                        "urn:test",
                        "ce_time",
                        "2026-01-01T00:00:00Z",
                        "ce_subject",
                        "Bad-Slug",
                        "content-type",
                        "application/json"));

        Map<String, TenantRequestRejected> rejected = new java.util.HashMap<>();
        read(Topics.TENANT_LIFECYCLE, r -> "TenantRequestRejected".equals(simpleType(r)), got -> {
            got.forEach(r -> {
                TenantRequestRejected event = (TenantRequestRejected) decode(r).data();
                rejected.put(event.commandId(), event);
            });
            return rejected.keySet().containsAll(List.of(reservedId, takenId, unknownTenantId, unreadableId));
        });
        assertThat(rejected.get(reservedId).reason()).contains("reserved");
        assertThat(rejected.get(reservedId).commandType()).isEqualTo("CreateTenant");
        assertThat(rejected.get(takenId).reason()).contains("live tenant");
        assertThat(rejected.get(unknownTenantId).commandType()).isEqualTo("UpgradeTenant");
        assertThat(rejected.get(unknownTenantId).reason()).contains("No tenant");
        assertThat(rejected.get(unreadableId).reason()).contains("slug");
        ConsumerRecord<String, byte[]> deadLetter = read(
                        Topics.deadLetter(Topics.TENANT_COMMANDS, "provisioning-service"),
                        r -> ceId.equals(header(r, "ce_id")),
                        got -> !got.isEmpty())
                .get(0);
        assertThat(header(deadLetter, "dlq-reason")).contains("undecodable");
        assertThat(queryLong("SELECT count(*) FROM tenant WHERE slug = 'tenantry_internal'"))
                .isZero();
    }

    @Test
    void theSameIdempotencyKeyReplaysTheFirstResponseAndRefusesADifferentBody() throws Exception {
        String slug = TestNames.unique("umbrella");
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("slug", slug, "displayName", "Umbrella");

        String first = given().header("Authorization", admin())
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/tenants")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String second = given().header("Authorization", admin())
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/tenants")
                .then()
                .statusCode(202)
                .header("Idempotent-Replayed", "true")
                .header("Location", endsWith("/tenants/" + first))
                .extract()
                .path("id");
        given().header("Authorization", admin())
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "Someone else"))
                .when()
                .post("/tenants")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", endsWith("idempotency-key-reused"));

        assertThat(second).isEqualTo(first);
        assertThat(queryLong("SELECT count(*) FROM tenant WHERE slug = ?", slug))
                .isEqualTo(1);
        awaitStatus(first, "ACTIVE");
    }

    @Test
    void staleAndDuplicateResultsAreIgnoredAndRecordedOnTheTimeline() throws Exception {
        String slug = TestNames.unique("stale");
        String id = createTenant(slug);
        awaitStatus(id, "ACTIVE");
        EventEnvelope<TenantMigrationFailed> stale = EventEnvelope.create(
                        TEST_SOURCE,
                        new TenantMigrationFailed(
                                id,
                                "tenant_" + slug,
                                MigrationKind.NEW,
                                "2",
                                "MIGRATION_SQL_ERROR",
                                "an answer to a request nobody is waiting for",
                                "1"))
                .withCausation(
                        EventEnvelope.create(TEST_SOURCE, new TenantRequested(id, slug, "tenant_" + slug, null)));

        send(Topics.TENANT_MIGRATION_RESULTS, id, CODEC.encodeData(stale.data()), CODEC.headerMap(stale));
        send(Topics.TENANT_MIGRATION_RESULTS, id, CODEC.encodeData(stale.data()), CODEC.headerMap(stale));

        await().atMost(TIMEOUT).until(() -> timeline(id).contains("result-ignored"));
        // A later result proves both copies were consumed before we count.
        given().header("Authorization", admin())
                .when()
                .post("/tenants/" + id + "/upgrade")
                .then()
                .statusCode(202);
        awaitStatus(id, "ACTIVE");
        assertThat(timeline(id).stream().filter("result-ignored"::equals)).hasSize(1);
        assertThat(timeline(id)).doesNotContain("transition:PROVISIONING->FAILED");
    }

    @Test
    void aTenantStuckInProvisioningIsRequestedOnceMoreThenFailedAndRolledBack() throws Exception {
        String retried = insertStuckTenant(TestNames.unique("stuck"), 1);
        String givenUp = insertStuckTenant(TestNames.unique("stuckmax"), 2);

        given().header("Authorization", operator())
                .when()
                .post("/admin/saga/sweep")
                .then()
                .statusCode(200)
                .body("tenantsMoved", org.hamcrest.Matchers.greaterThanOrEqualTo(2));

        awaitStatus(retried, "ACTIVE");
        assertThat(timeline(retried)).contains("transition:PROVISIONING->PROVISIONING");
        awaitStatus(givenUp, "ROLLED_BACK");
        assertThat(timeline(givenUp))
                .containsSubsequence(
                        "transition:PROVISIONING->FAILED",
                        "transition:FAILED->COMPENSATING",
                        "transition:COMPENSATING->ROLLED_BACK");
        assertThat(typesFor(Topics.TENANT_LIFECYCLE, givenUp, "TenantProvisioningFailed"))
                .containsExactly("TenantProvisioningFailed");
    }

    @Test
    void compensationAndDeletionWhoseRequestsWereLostAreSentAgainUntilTheWorkerAnswers() throws Exception {
        String slug = TestNames.unique("lostdel");
        String deleting = createTenant(slug);
        awaitStatus(deleting, "ACTIVE");
        // The deletion request never reached the worker: DELETING for an hour, schema untouched.
        execute(
                "UPDATE tenant SET status = 'DELETING', status_changed_at = now() - interval '1 hour' WHERE id = ?::uuid",
                deleting);
        String compensating = insertStuckTenant(TestNames.unique("lostrb"), 2);
        execute(
                "UPDATE tenant SET status = 'COMPENSATING', failure_reason = 'V2 failed' WHERE id = ?::uuid",
                compensating);

        given().header("Authorization", operator())
                .when()
                .post("/admin/saga/sweep")
                .then()
                .statusCode(200)
                .body("tenantsMoved", org.hamcrest.Matchers.greaterThanOrEqualTo(2));

        awaitStatus(compensating, "ROLLED_BACK");
        assertThat(timeline(compensating))
                .containsSubsequence(
                        "transition:COMPENSATING->COMPENSATING",
                        "migration-result",
                        "transition:COMPENSATING->ROLLED_BACK");
        awaitStatus(deleting, "DELETED");
        assertThat(timeline(deleting))
                .containsSubsequence(
                        "transition:DELETING->DELETING", "migration-result", "transition:DELETING->DELETED");
        assertThat(schemaExists("tenant_" + slug)).isFalse();
        assertThat(queryLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE ?", "deleted\\_" + slug + "\\_%"))
                .isEqualTo(1);
    }

    /** A tenant whose request was lost: PROVISIONING for an hour, nothing on its way to the worker. */
    private static String insertStuckTenant(String slug, int requests) throws Exception {
        String id = UUID.randomUUID().toString();
        execute(
                """
                INSERT INTO tenant (id, slug, display_name, metadata, status, last_request_id, correlation_id,
                    request_attempts, status_changed_at, created_at, updated_at)
                VALUES (?::uuid, ?, ?, '{}', 'PROVISIONING', ?, ?, ?, now() - interval '1 hour',
                    now() - interval '1 hour', now() - interval '1 hour')
                """,
                id,
                slug,
                "Stuck " + slug,
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                requests);
        return id;
    }
}
