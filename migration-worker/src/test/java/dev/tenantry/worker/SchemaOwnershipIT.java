package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.execute;
import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static dev.tenantry.worker.WorkerTestSupport.schemaExists;
import static dev.tenantry.worker.WorkerTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The worker knows which tenant owns a schema: a rollback or deletion of an earlier tenant with
 * the same slug (a dead letter replayed after the slug was reused) leaves the schema alone.
 */
@QuarkusTest
class SchemaOwnershipIT {

    @Test
    void aRollbackOfTheSlugsEarlierTenantLeavesTheCurrentTenantsSchemaAlone() throws Exception {
        TestTenant earlier = TestTenant.fresh("slugowner");
        EventEnvelope<TenantRollbackRequested> deadLettered = earlier.rollbackRequested();
        migrate(earlier.requested());
        rolledBack(earlier.rollbackRequested());
        TestTenant current = sameSlug(earlier);
        migrate(current.requested());
        execute("INSERT INTO " + current.schema() + ".customers (code, name) VALUES ('c1', 'Current')");

        send(deadLettered);
        TenantRolledBack answer = (TenantRolledBack) awaitResult(deadLettered).data();

        assertThat(answer.skipped()).isTrue();
        assertThat(answer.skippedReason()).contains(current.tenantId());
        assertThat(queryInt("SELECT count(*) FROM " + current.schema() + ".customers"))
                .isEqualTo(1);
    }

    @Test
    void aDeletionOfTheSlugsEarlierTenantLeavesTheCurrentTenantsSchemaAlone() throws Exception {
        TestTenant earlier = TestTenant.fresh("slugdel");
        EventEnvelope<TenantDeletionRequested> deadLettered = earlier.deletionRequested();
        migrate(earlier.requested());
        EventEnvelope<TenantDeletionRequested> deletion = earlier.deletionRequested();
        send(deletion);
        String earlierArchive = ((TenantDeleted) awaitResult(deletion).data()).archivedSchema();
        TestTenant current = sameSlug(earlier);
        migrate(current.requested());
        execute("INSERT INTO " + current.schema() + ".customers (code, name) VALUES ('c1', 'Current')");

        send(deadLettered);
        TenantDeleted answer = (TenantDeleted) awaitResult(deadLettered).data();

        assertThat(answer.skipped()).isTrue();
        assertThat(answer.archivedSchema()).isEqualTo(earlierArchive);
        assertThat(queryInt("SELECT count(*) FROM " + current.schema() + ".customers"))
                .isEqualTo(1);
    }

    @Test
    void aRequestOfAnotherTenantCannotUpgradeOrTakeOverASchema() throws Exception {
        TestTenant owner = TestTenant.fresh("owned");
        migrate(owner.requested("2"));
        TestTenant other = sameSlug(owner);

        EventEnvelope<TenantUpgradeRequested> upgrade = other.upgradeRequested();
        send(upgrade);
        EventEnvelope<TenantRequested> takeOver = other.requested();
        send(takeOver);

        assertThat(((TenantMigrationFailed) awaitResult(upgrade).data()).errorCode())
                .isEqualTo("SCHEMA_OWNED_BY_OTHER_TENANT");
        assertThat(((TenantMigrationFailed) awaitResult(takeOver).data()).errorCode())
                .isEqualTo("SCHEMA_OWNED_BY_OTHER_TENANT");
        assertThat(queryInt("SELECT max(version::int) FROM " + owner.schema() + ".flyway_schema_history"))
                .isEqualTo(2);
    }

    @Test
    void deletingATenantWhoseSchemaIsGoneAnswersWithAnEmptyArchive() throws Exception {
        TestTenant tenant = TestTenant.fresh("nothingleft");
        migrate(tenant.requested());
        execute("DROP SCHEMA " + tenant.schema() + " CASCADE");

        EventEnvelope<TenantDeletionRequested> deletion = tenant.deletionRequested();
        send(deletion);
        TenantDeleted answer = (TenantDeleted) awaitResult(deletion).data();

        assertThat(answer.skipped()).isFalse();
        assertThat(answer.schemaExisted()).isFalse();
        assertThat(schemaExists(answer.archivedSchema())).isTrue();
        // Delivered again, the same answer.
        send(deletion);
        assertThat(WorkerTestSupport.awaitResults(deletion, 2))
                .extracting(EventEnvelope::data)
                .containsOnly(answer);
    }

    @Test
    void anUpgradeToAVersionThatDoesNotExistIsAnsweredAsAFailedUpgrade() throws Exception {
        TestTenant tenant = TestTenant.fresh("nosuchversion");
        migrate(tenant.requested());

        EventEnvelope<TenantUpgradeRequested> upgrade = EventEnvelope.create(
                WorkerTestSupport.SOURCE,
                new TenantUpgradeRequested(tenant.tenantId(), tenant.slug(), tenant.schema(), "999"));
        send(upgrade);
        TenantMigrationFailed failed =
                (TenantMigrationFailed) awaitResult(upgrade).data();

        assertThat(failed.kind()).isEqualTo(MigrationKind.UPGRADE);
        assertThat(failed.errorCode()).isEqualTo("UNKNOWN_VERSION");
        assertThat(failed.message()).contains("999");
        assertThat(queryInt("SELECT count(*) FROM tenant_migration_version WHERE version = '3'"))
                .isEqualTo(1);
    }

    private static TestTenant sameSlug(TestTenant earlier) {
        return new TestTenant(UUID.randomUUID().toString(), earlier.slug(), earlier.schema());
    }

    private static void migrate(EventEnvelope<TenantRequested> request) {
        send(request);
        assertThat(awaitResult(request).data()).isInstanceOf(TenantMigrated.class);
    }

    private static void rolledBack(EventEnvelope<TenantRollbackRequested> request) throws Exception {
        send(request);
        assertThat(((TenantRolledBack) awaitResult(request).data()).skipped()).isFalse();
        assertThat(schemaExists(request.data().schema())).isFalse();
    }
}
