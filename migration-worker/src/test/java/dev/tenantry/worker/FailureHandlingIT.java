package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.header;
import static dev.tenantry.worker.WorkerTestSupport.infra;
import static dev.tenantry.worker.WorkerTestSupport.kafka;
import static dev.tenantry.worker.WorkerTestSupport.send;
import static dev.tenantry.worker.WorkerTestSupport.tables;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.testinfra.TestKafka;
import dev.tenantry.testinfra.TestNames;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FailureHandlingIT {

    private static final String DLQ = Topics.deadLetter(Topics.TENANT_MIGRATION_REQUESTS, "migration-worker");

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithAReasonAndTheNextRecordIsStillProcessed() throws Exception {
        String key = TestNames.unique("poison");
        RecordMetadata poisoned;
        try (TestKafka kafka = kafka()) {
            poisoned = kafka.producer()
                    .send(new ProducerRecord<>(
                            Topics.TENANT_MIGRATION_REQUESTS, key, "{not json".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        TestTenant tenant = TestTenant.fresh("afterpoison");
        EventEnvelope<TenantRequested> next = tenant.requested();
        send(next);

        ConsumerRecord<String, byte[]> dead;
        try (TestKafka kafka = kafka()) {
            dead = kafka.awaitRecord(DLQ, r -> key.equals(r.key()), WorkerTestSupport.TIMEOUT);
        }
        assertThat(header(dead, "dlq-reason")).contains("undecodable").contains("MISSING_HEADER");
        assertThat(header(dead, "dlq-error-class")).isEqualTo("dev.tenantry.contracts.EventDecodingException");
        assertThat(header(dead, "dlq-original-topic")).isEqualTo(Topics.TENANT_MIGRATION_REQUESTS);
        assertThat(header(dead, "dlq-original-partition")).isEqualTo(Integer.toString(poisoned.partition()));
        assertThat(header(dead, "dlq-original-offset")).isEqualTo(Long.toString(poisoned.offset()));
        assertThat(header(dead, "dlq-consumer-group")).isEqualTo("migration-worker");
        assertThat(header(dead, "dlq-attempts")).isEqualTo("1");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");

        assertThat(awaitResult(next).data()).isInstanceOf(TenantMigrated.class);
    }

    @Test
    void aPostgresOutageMakesTheWorkerUnreadyAndTheRequestIsRetriedAndMigratedWithoutAFailureEvent() throws Exception {
        assumeTrue(infra().canRestartPostgres(), "provider cannot restart PostgreSQL");
        TestTenant tenant = TestTenant.fresh("outage");
        EventEnvelope<TenantRequested> request = tenant.requested();

        infra().stopPostgres();
        try {
            send(request);
            // Readiness tells the orchestrator to stop routing here while the database is away.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().get("/q/health/ready")
                            .then()
                            .statusCode(503)
                            .body("checks.findAll { it.status == 'DOWN' }.name", hasItem(containsString("Database"))));
        } finally {
            infra().startPostgres();
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

        assertThat(awaitResult(request).data()).isInstanceOf(TenantMigrated.class);
        assertThat(tables(tenant.schema())).contains("customers", "invoices");
        assertThat(WorkerTestSupport.recordsWithin(
                        DLQ, Duration.ofSeconds(2), r -> tenant.tenantId().equals(r.key()), 1))
                .isEmpty();
    }
}
