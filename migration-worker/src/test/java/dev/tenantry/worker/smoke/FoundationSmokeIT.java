package dev.tenantry.worker.smoke;

import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasItem;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantRequested;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The whole foundation at once: real PostgreSQL with Flyway, real Kafka through SmallRye channels. */
@QuarkusTest
class FoundationSmokeIT {

    @Inject
    SmokeChannels channels;

    @Test
    void sharedSchemaIsMigratedByFlywayAtStartWithItsOwnHistoryTable() throws Exception {
        assertThat(queryInt("SELECT count(*) FROM public.worker_schema_history WHERE success AND version = '1'"))
                .isEqualTo(1);
        assertThat(
                        queryInt(
                                "SELECT count(*) FROM information_schema.tables "
                                        + "WHERE table_schema = 'public' AND table_name IN ('migration_run', 'worker_processed_event')"))
                .isEqualTo(2);
    }

    @Test
    void aCloudEventSentThroughAChannelComesBackWithAllItsHeaders() {
        String tenantId = UUID.randomUUID().toString();
        EventEnvelope<TenantRequested> sent = EventEnvelope.create(
                        URI.create("urn:tenantry:smoke"),
                        new TenantRequested(tenantId, "smoke_tenant", "tenant_smoke_tenant", null))
                .withCorrelation("corr-1");

        channels.send(sent);

        await().atMost(Duration.ofSeconds(30)).until(() -> channels.received(sent.id()) != null);
        SmokeChannels.Received received = channels.received(sent.id());
        assertThat(received.envelope()).isEqualTo(sent);
        assertThat(received.key()).isEqualTo(tenantId);
        assertThat(received.headers())
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", sent.id())
                .containsEntry("ce_type", "tenantry.tenant.requested.v1")
                .containsEntry("ce_source", "urn:tenantry:smoke")
                .containsEntry("ce_subject", tenantId)
                .containsEntry("ce_correlationid", "corr-1")
                .containsEntry("content-type", "application/json")
                .containsKey("ce_time");
    }

    @Test
    void healthIsUpWithDatabaseKafkaAndConsumerReady() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'SmallRye Reactive Messaging - readiness check' }.data",
                        hasEntry("migration-requests", "[OK]"));
        given().get("/q/health/live")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("consumer-loops"))
                .body(
                        "checks.find { it.name == 'consumer-loops' }.data.'tenant-migration-requests/migration-worker'",
                        equalTo("running"));
    }
}
