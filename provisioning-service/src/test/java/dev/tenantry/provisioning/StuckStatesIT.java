package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.TEST_SOURCE;
import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.decode;
import static dev.tenantry.provisioning.ProvisioningTestSupport.execute;
import static dev.tenantry.provisioning.ProvisioningTestSupport.operator;
import static dev.tenantry.provisioning.ProvisioningTestSupport.publish;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.schemaExists;
import static dev.tenantry.provisioning.ProvisioningTestSupport.sendCommand;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static dev.tenantry.provisioning.ProvisioningTestSupport.status;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.contracts.events.UpgradeTenant;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every non-final status ends without manual SQL, and the registry's version never goes backwards. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class StuckStatesIT {

    @BeforeAll
    static void worker() {
        ChildServiceProcess.sharedWorker();
    }

    @Test
    void anUpgradeToAVersionNoWorkerKnowsIsRefusedUpFrontOverRestAndAsACommand() throws Exception {
        String slug = TestNames.unique("nover");
        String id = createTenant(slug);
        awaitStatus(id, "ACTIVE");
        // The worker records the versions it knows when it starts.
        await().atMost(ProvisioningTestSupport.TIMEOUT)
                .until(() -> queryLong("SELECT count(*) FROM tenant_migration_version WHERE version = '3'") == 1);

        for (String version : List.of("999", "0", "1.5")) {
            given().header("Authorization", admin())
                    .contentType(ContentType.JSON)
                    .body(Map.of("targetVersion", version))
                    .when()
                    .post("/tenants/" + id + "/upgrade")
                    .then()
                    .statusCode(422)
                    .contentType("application/problem+json")
                    .body("detail", containsString("Version " + version + " "));
        }
        String commandId = UUID.randomUUID().toString();
        sendCommand(EventEnvelope.create(TEST_SOURCE, new UpgradeTenant(commandId, id, "999")));

        List<ConsumerRecord<String, byte[]>> rejected = read(
                Topics.TENANT_LIFECYCLE,
                r -> "TenantRequestRejected".equals(simpleType(r))
                        && commandId.equals(((TenantRequestRejected) decode(r).data()).commandId()),
                got -> !got.isEmpty());
        assertThat(rejected).hasSize(1);
        assertThat(((TenantRequestRejected) decode(rejected.get(0)).data()).reason())
                .contains("999");
        assertThat(status(id)).isEqualTo("ACTIVE");
        // A version that exists is still accepted.
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("targetVersion", "3"))
                .when()
                .post("/tenants/" + id + "/upgrade")
                .then()
                .statusCode(202);
        awaitStatus(id, "ACTIVE");
    }

    @Test
    void anUpgradeWithoutAnAnswerIsRequestedAgainThenFailed() throws Exception {
        String retried = stuckUpgrading(1);
        String givenUp = stuckUpgrading(2);

        given().header("Authorization", operator())
                .when()
                .post("/admin/saga/sweep")
                .then()
                .statusCode(200)
                .body("tenantsMoved", greaterThanOrEqualTo(2));

        awaitStatus(retried, "ACTIVE");
        assertThat(timeline(retried)).contains("transition:UPGRADING->UPGRADING");
        awaitStatus(givenUp, "UPGRADE_FAILED");
        given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + givenUp)
                .then()
                .body("failureReason", containsString("No upgrade result"))
                .body("currentVersion", equalTo("3"));
    }

    @Test
    void aWorkerReportedUpgradeToAnOlderVersionDoesNotLowerTheRegistrysVersion() throws Exception {
        String slug = TestNames.unique("nodown");
        String id = createTenant(slug);
        awaitStatus(id, "ACTIVE");
        // A fleet upgrade's result from long ago (no causing request), delivered late.
        publish(
                Topics.TENANT_MIGRATION_RESULTS,
                EventEnvelope.create(
                        TEST_SOURCE,
                        new TenantMigrated(id, "tenant_" + slug, MigrationKind.UPGRADE, "1", "2", 1, 10L)));

        await().atMost(ProvisioningTestSupport.TIMEOUT).until(() -> timeline(id).contains("result-ignored"));
        given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + id)
                .then()
                .body("status", equalTo("ACTIVE"))
                .body("currentVersion", equalTo("3"));
    }

    @Test
    void deletingATenantWhoseSchemaIsGoneEndsDeletedWithNothingArchived() throws Exception {
        String slug = TestNames.unique("goneschema");
        String id = createTenant(slug);
        awaitStatus(id, "ACTIVE");
        execute("DROP SCHEMA tenant_" + slug + " CASCADE");

        given().header("Authorization", admin())
                .when()
                .delete("/tenants/" + id)
                .then()
                .statusCode(202);

        awaitStatus(id, "DELETED");
        List<ConsumerRecord<String, byte[]>> lifecycle = read(
                Topics.TENANT_LIFECYCLE,
                r -> id.equals(r.key()),
                got -> got.stream().anyMatch(r -> "TenantDeleted".equals(simpleType(r))));
        TenantDeleted deleted =
                (TenantDeleted) decode(lifecycle.get(lifecycle.size() - 1)).data();
        assertThat(deleted.schemaExisted()).isFalse();
        assertThat(deleted.archivedSomething()).isFalse();
        assertThat(schemaExists(deleted.archivedSchema())).isTrue();
        assertThat(queryLong(
                        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                + "WHERE n.nspname = ?",
                        deleted.archivedSchema()))
                .isZero();
    }

    /** An ACTIVE tenant whose upgrade request was lost an hour ago, after {@code requests} sends. */
    private static String stuckUpgrading(int requests) throws Exception {
        String slug = TestNames.unique("stuckup");
        String id = createTenant(slug);
        awaitStatus(id, "ACTIVE");
        execute(
                "UPDATE tenant SET status = 'UPGRADING', last_request_id = ?, request_attempts = ?, "
                        + "status_changed_at = now() - interval '1 hour' WHERE id = ?::uuid",
                UUID.randomUUID().toString(),
                requests,
                id);
        return id;
    }
}
