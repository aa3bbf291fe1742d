package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.TEST_SOURCE;
import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.decode;
import static dev.tenantry.provisioning.ProvisioningTestSupport.header;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.sendCommand;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A command id, once answered, keeps its answer: a CreateTenant rejected because its slug was
 * taken is not carried out when the same command arrives again after the slug became free (its
 * sender was told it was rejected and may have acted on that).
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class RejectedCommandRedeliveryIT {

    @BeforeAll
    static void worker() {
        ChildServiceProcess.sharedWorker();
    }

    @Test
    void aRejectedCommandDeliveredAgainAfterItsSlugBecameFreeIsStillRejectedAndChangesNothing() throws Exception {
        String slug = TestNames.unique("contested");
        String holder = createTenant(slug);
        awaitStatus(holder, "ACTIVE");
        EventEnvelope<CreateTenant> command = EventEnvelope.create(
                TEST_SOURCE, new CreateTenant(UUID.randomUUID().toString(), slug, "Latecomer", null, Map.of()));

        sendCommand(command);
        TenantRequestRejected first = rejectionCausedBy(command.id());
        assertThat(first.reason()).contains("live tenant");

        given().header("Authorization", admin())
                .when()
                .delete("/tenants/" + holder)
                .then()
                .statusCode(202);
        awaitStatus(holder, "DELETED");

        // The same record again (a replayed dead letter, offsets reset), then a resend under a new
        // event id. Both share the slug as key, so the intake handles them in this order.
        sendCommand(command);
        EventEnvelope<CreateTenant> resend = command.withId(UUID.randomUUID().toString());
        sendCommand(resend);

        TenantRequestRejected again = rejectionCausedBy(resend.id());
        assertThat(again.commandId()).isEqualTo(command.data().commandId());
        assertThat(again.reason()).isEqualTo(first.reason());
        assertThat(queryLong("SELECT count(*) FROM tenant WHERE slug = ?", slug))
                .as("only the tenant that held the slug; the rejected command created none")
                .isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM tenant WHERE display_name = 'Latecomer' AND slug = ?", slug))
                .isZero();
    }

    private static TenantRequestRejected rejectionCausedBy(String commandEventId) {
        List<ConsumerRecord<String, byte[]>> rejections = read(
                Topics.TENANT_LIFECYCLE,
                r -> "TenantRequestRejected".equals(simpleType(r))
                        && commandEventId.equals(header(r, CloudEventCodec.CE_CAUSATIONID)),
                got -> !got.isEmpty());
        assertThat(rejections)
                .as("TenantRequestRejected answering event %s", commandEventId)
                .isNotEmpty();
        return (TenantRequestRejected) decode(rejections.get(0)).data();
    }
}
