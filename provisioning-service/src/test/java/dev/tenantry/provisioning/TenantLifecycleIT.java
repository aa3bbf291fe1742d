package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.decode;
import static dev.tenantry.provisioning.ProvisioningTestSupport.header;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.schemaExists;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static dev.tenantry.provisioning.ProvisioningTestSupport.typesFor;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end with the real migration worker: REST requests through the saga to Kafka and back. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class TenantLifecycleIT {

    @BeforeAll
    static void worker() {
        WorkerProcess.shared();
    }

    @Test
    void aTenantCreatedOverRestBecomesActiveAndItsLifecycleEventsArriveInOrder() throws Exception {
        String slug = TestNames.unique("acme");

        String id = given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "Acme Corp", "plan", "pro",
                        "metadata", Map.of("region", "eu")))
                .when().post("/tenants")
                .then().statusCode(202)
                .header("Location", notNullValue())
                .body("slug", equalTo(slug)).body("status", equalTo("PROVISIONING")).body("id", notNullValue())
                .extract().path("id");

        awaitStatus(id, "ACTIVE");

        given().header("Authorization", viewer()).when().get("/tenants/" + slug)
                .then().statusCode(200)
                .body("id", equalTo(id)).body("currentVersion", equalTo("3"))
                .body("schema", equalTo("tenant_" + slug)).body("metadata.region", equalTo("eu"));
        assertThat(schemaExists("tenant_" + slug)).isTrue();
        assertThat(queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?",
                "tenant_" + slug)).isGreaterThan(3);

        List<ConsumerRecord<String, byte[]>> lifecycle = read(Topics.TENANT_LIFECYCLE, r -> id.equals(r.key()),
                got -> got.stream().anyMatch(r -> "TenantActivated".equals(simpleType(r))));
        assertThat(lifecycle).extracting(ProvisioningTestSupport::simpleType)
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
        assertThat(timeline(id)).containsExactly("requested:null->REQUESTED",
                "transition:REQUESTED->PROVISIONING", "migration-result", "transition:PROVISIONING->ACTIVE");
        assertThat(queryLong("SELECT count(*) FROM provisioning_outbox WHERE aggregateid = ?", id))
                .as("relayed outbox rows are deleted").isZero();
    }
}
