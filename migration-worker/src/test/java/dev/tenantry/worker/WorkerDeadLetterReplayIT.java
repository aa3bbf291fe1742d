package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.infra;
import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static dev.tenantry.worker.WorkerTestSupport.recordsWithin;
import static dev.tenantry.worker.WorkerTestSupport.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.support.deadletter.DeadLetterSources;
import dev.tenantry.support.messaging.DeadLetterPublisher;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.TestTokens;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ImpatientRetryProfile.class)
class WorkerDeadLetterReplayIT {

    private static final String DLQ = Topics.deadLetter(Topics.TENANT_MIGRATION_REQUESTS, "migration-worker");

    @Inject
    DeadLetterPublisher deadLetters;

    @Inject
    DeadLetterSources sources;

    @Test
    void aRequestDeadLetteredDuringAnOutageIsReplayedToTheWorkerOnlyAndMigratesOnce() throws Exception {
        assumeTrue(infra().canRestartPostgres(), "provider cannot restart PostgreSQL");
        Set<String> seenByOtherGroup = ReplayBystander.SEEN;
        {
            TestTenant tenant = TestTenant.fresh("replayed");
            EventEnvelope<TenantRequested> request = tenant.requested();

            infra().stopPostgres();
            try {
                send(request);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> !recordsWithin(
                                        DLQ,
                                        Duration.ofSeconds(1),
                                        r -> request.id().equals(WorkerTestSupport.header(r, "ce_id")),
                                        1)
                                .isEmpty());
            } finally {
                infra().startPostgres();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> seenByOtherGroup.contains(request.id()));
            seenByOtherGroup.clear();

            String operator = TestTokens.bearer(Roles.OPERATOR);
            JsonPath listed = given().header("Authorization", operator)
                    .queryParam("tenant", tenant.tenantId())
                    .get("/admin/dead-letters")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(listed.getList("items.eventId", String.class)).containsExactly(request.id());
            assertThat(listed.getString("items[0].reason")).contains("retries exhausted");
            assertThat(listed.getBoolean("partial")).isFalse();

            JsonPath dryRun = given().header("Authorization", operator)
                    .contentType(ContentType.JSON)
                    .body(Map.of("eventId", request.id(), "dryRun", true))
                    .post("/admin/dead-letters/replay")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(dryRun.getList("replayed.eventId", String.class)).containsExactly(request.id());
            assertThat(queryInt("SELECT count(*) FROM migration_run WHERE request_id = ?", request.id()))
                    .isZero();

            given().header("Authorization", operator)
                    .contentType(ContentType.JSON)
                    .body(Map.of("eventId", request.id()))
                    .post("/admin/dead-letters/replay")
                    .then()
                    .statusCode(200);

            assertThat(awaitResult(request).data()).isInstanceOf(TenantMigrated.class);
            assertThat(queryInt("SELECT count(*) FROM migration_run WHERE request_id = ?", request.id()))
                    .isEqualTo(1);
            Thread.sleep(1000);
            assertThat(seenByOtherGroup).doesNotContain(request.id());
        }
    }

    @Test
    void aDeadLetterIsNotReplayedBeyondTheCap() {
        TestTenant tenant = TestTenant.fresh("capped");
        // A rollback whose schema does not belong to its slug: refused every time, never dropped.
        EventEnvelope<TenantRollbackRequested> poisoned = EventEnvelope.create(
                WorkerTestSupport.SOURCE,
                new TenantRollbackRequested(tenant.tenantId(), tenant.slug(), "tenant_someone_else", "test"));
        send(poisoned);
        String operator = TestTokens.bearer(Roles.OPERATOR);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().header("Authorization", operator)
                                .queryParam("tenant", tenant.tenantId())
                                .get("/admin/dead-letters")
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("items.eventId")
                                .size()
                        == 1);

        JsonPath first = given().header("Authorization", operator)
                .contentType(ContentType.JSON)
                .body(Map.of("tenant", tenant.tenantId()))
                .post("/admin/dead-letters/replay")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(first.getList("replayed")).hasSize(1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().header("Authorization", operator)
                                .queryParam("tenant", tenant.tenantId())
                                .get("/admin/dead-letters")
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("items.eventId")
                                .size()
                        == 2);

        JsonPath second = given().header("Authorization", operator)
                .contentType(ContentType.JSON)
                .body(Map.of("tenant", tenant.tenantId()))
                .post("/admin/dead-letters/replay")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<String> reasons = second.getList("refused.reason", String.class);
        assertThat(second.getList("replayed")).isEmpty();
        assertThat(reasons).singleElement().asString().contains("cap is 1");
        assertThat(sources.all())
                .extracting(DeadLetterSources.Source::consumerGroup)
                .contains("migration-worker");
    }

    @Test
    void replayNeedsOneSelectorAndTheOperatorRole() {
        given().header("Authorization", TestTokens.bearer(Roles.OPERATOR))
                .contentType(ContentType.JSON)
                .body(Map.of("dryRun", true))
                .post("/admin/dead-letters/replay")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer(Roles.TENANT_ADMIN))
                .contentType(ContentType.JSON)
                .body(Map.of("all", true))
                .post("/admin/dead-letters/replay")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
    }
}
