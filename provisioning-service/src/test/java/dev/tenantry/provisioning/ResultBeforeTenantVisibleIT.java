package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.TEST_SOURCE;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.publish;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.service.TenantSaga;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL decodes a transaction for logical replication as soon as its commit record is
 * flushed, a moment before the transaction becomes visible to other sessions. The relay can
 * therefore put a tenant's TenantRequested on Kafka, and the worker can answer it, before the saga
 * can see the tenant's row; on a loaded machine that moment lasts long enough (seen in the
 * provisioning benchmark). Here the answer is made to arrive while the tenant's transaction is
 * still open, so the saga meets it before the tenant exists for anyone else, every time.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class ResultBeforeTenantVisibleIT {

    @Inject
    Transactions transactions;

    @Inject
    TenantSaga saga;

    @BeforeAll
    static void noWorker() {
        // Only this test's answer may reach the saga: a worker answering the relayed request
        // after the commit would hide a dropped first answer.
        ChildServiceProcess.stopSharedWorker();
    }

    @Test
    void aMigrationResultThatArrivesBeforeItsTenantIsVisibleIsRetriedAndActivatesTheTenant() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Tenant requested = new Tenant(
                UUID.randomUUID(),
                TestNames.unique("overtaken"),
                "Overtaken",
                null,
                Map.of(),
                TenantStatus.REQUESTED,
                null,
                null,
                null,
                null,
                UUID.randomUUID().toString(),
                0,
                now,
                now,
                now);
        String id = requested.idText();
        String[] answerId = new String[1];

        // What POST /tenants does; the worker's answer is published before the commit.
        transactions.inTransaction(tx -> {
            Tenant started = saga.start(tx, requested, null);
            EventEnvelope<TenantMigrated> answer = answering(
                    started.lastRequestId(),
                    new TenantMigrated(id, "tenant_" + started.slug(), MigrationKind.NEW, null, "3", 3, 5));
            answerId[0] = answer.id();
            publish(Topics.TENANT_MIGRATION_RESULTS, answer);
            try {
                Thread.sleep(2_000); // the saga meets the answer meanwhile, and cannot see the tenant
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });

        awaitStatus(id, "ACTIVE");
        assertThat(timeline(id))
                .containsSubsequence(
                        "transition:REQUESTED->PROVISIONING", "migration-result", "transition:PROVISIONING->ACTIVE");
        assertThat(queryLong("SELECT count(*) FROM provisioning_processed_event WHERE event_id = ?", answerId[0]))
                .isEqualTo(1);
    }

    /** The worker's answer to request {@code requestId}. */
    private static EventEnvelope<TenantMigrated> answering(String requestId, TenantMigrated result) {
        EventEnvelope<TenantMigrated> event = EventEnvelope.create(TEST_SOURCE, result);
        return new EventEnvelope<>(
                event.id(),
                event.type(),
                event.source(),
                event.time(),
                event.subject(),
                requestId,
                event.correlationId(),
                event.data());
    }
}
