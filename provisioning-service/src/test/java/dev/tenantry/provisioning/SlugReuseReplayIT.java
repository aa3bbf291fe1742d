package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.decode;
import static dev.tenantry.provisioning.ProvisioningTestSupport.execute;
import static dev.tenantry.provisioning.ProvisioningTestSupport.header;
import static dev.tenantry.provisioning.ProvisioningTestSupport.publish;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.schemaExists;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static dev.tenantry.provisioning.ProvisioningTestSupport.status;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dead-lettered rollback or deletion of tenant A, replayed after A gave up its slug and tenant
 * B took it, must not touch B's schema. The replayed copy is the dead letter's record: A's
 * original request with an id the worker never processed (the sweep's re-sent request, with
 * another id, is what finished A), and A's original send time.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class SlugReuseReplayIT {

    @BeforeAll
    static void worker() {
        ChildServiceProcess.sharedWorker();
    }

    @Test
    void aReplayedRollbackOfTheOldTenantLeavesTheNewTenantsSchemaAndDataAlone() throws Exception {
        String slug = TestNames.unique("reused");
        // A's migration fails: a table of its first migration is already there, made by hand.
        execute("CREATE SCHEMA tenant_" + slug);
        execute("CREATE TABLE tenant_" + slug + ".customers (unexpected integer)");
        String a = createTenant(slug);
        awaitStatus(a, "ROLLED_BACK");
        assertThat(schemaExists("tenant_" + slug)).isFalse();
        String b = activeTenantWithData(slug);

        EventEnvelope<TenantryEvent> replayed = replayCopyOf(a, "TenantRollbackRequested");
        TenantRolledBack answer = (TenantRolledBack) awaitAnswer(a, replayed).data();

        assertThat(answer.skippedReason()).contains(b).contains("nothing was changed");
        assertNewTenantUntouched(slug, b);
        assertThat(timeline(a)).last().isEqualTo("result-ignored");
    }

    @Test
    void aReplayedDeletionOfTheOldTenantLeavesTheNewTenantsSchemaAndDataAlone() throws Exception {
        String slug = TestNames.unique("reusedel");
        String a = createTenant(slug);
        awaitStatus(a, "ACTIVE");
        given().header("Authorization", admin())
                .when()
                .delete("/tenants/" + a)
                .then()
                .statusCode(202);
        awaitStatus(a, "DELETED");
        String b = activeTenantWithData(slug);

        EventEnvelope<TenantryEvent> replayed = replayCopyOf(a, "TenantDeletionRequested");
        TenantDeleted answer = (TenantDeleted) awaitAnswer(a, replayed).data();

        assertThat(answer.skippedReason()).contains(b).contains("nothing was changed");
        // The archive named is A's own, made by its real deletion.
        assertThat(answer.archivedSchema()).startsWith("deleted_" + slug + "_");
        assertThat(schemaExists(answer.archivedSchema())).isTrue();
        assertNewTenantUntouched(slug, b);
        assertThat(queryLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE ?", "deleted\\_" + slug + "\\_%"))
                .isEqualTo(1);
    }

    private static String activeTenantWithData(String slug) throws Exception {
        String b = createTenant(slug);
        awaitStatus(b, "ACTIVE");
        execute("INSERT INTO tenant_" + slug + ".customers (code, name) VALUES ('b1', 'Belongs to B')");
        return b;
    }

    private static void assertNewTenantUntouched(String slug, String b) throws Exception {
        assertThat(schemaExists("tenant_" + slug)).isTrue();
        assertThat(queryLong("SELECT count(*) FROM tenant_" + slug + ".customers WHERE code = 'b1'"))
                .isEqualTo(1);
        assertThat(status(b)).isEqualTo("ACTIVE");
    }

    /** A's request of this type, as its dead letter would carry it, put back on the requests topic. */
    private static EventEnvelope<TenantryEvent> replayCopyOf(String tenantId, String type) {
        List<ConsumerRecord<String, byte[]>> requests = read(
                Topics.TENANT_MIGRATION_REQUESTS,
                r -> tenantId.equals(r.key()),
                got -> got.stream().anyMatch(r -> type.equals(simpleType(r))));
        ConsumerRecord<String, byte[]> original = requests.stream()
                .filter(r -> type.equals(simpleType(r)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " of tenant " + tenantId));
        EventEnvelope<TenantryEvent> copy =
                decode(original).withId(UUID.randomUUID().toString());
        publish(Topics.TENANT_MIGRATION_REQUESTS, copy);
        return copy;
    }

    /** The worker's answer to the replayed request, once the saga has seen it too. */
    private static EventEnvelope<TenantryEvent> awaitAnswer(String tenantId, EventEnvelope<?> request) {
        List<ConsumerRecord<String, byte[]>> answers = read(
                Topics.TENANT_MIGRATION_RESULTS,
                r -> tenantId.equals(r.key()) && request.id().equals(header(r, "ce_causationid")),
                got -> !got.isEmpty());
        assertThat(answers).as("the worker's answer to the replayed request").isNotEmpty();
        org.awaitility.Awaitility.await()
                .atMost(ProvisioningTestSupport.TIMEOUT)
                .until(() ->
                        timeline(tenantId).get(timeline(tenantId).size() - 1).equals("result-ignored"));
        return decode(answers.get(0));
    }
}
