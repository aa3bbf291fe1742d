package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.execute;
import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static dev.tenantry.worker.WorkerTestSupport.schemaExists;
import static dev.tenantry.worker.WorkerTestSupport.send;
import static dev.tenantry.worker.WorkerTestSupport.tables;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(BrokenReleaseProfile.class)
class FailedMigrationIT {

    @Test
    void aBrokenMigrationFailsANewTenantWithTheFailingVersionAndKindNew() throws Exception {
        TestTenant tenant = TestTenant.fresh("broken");
        EventEnvelope<TenantRequested> request = tenant.requested();

        send(request);
        var result = awaitResult(request);

        assertThat(result.data()).isInstanceOf(TenantMigrationFailed.class);
        TenantMigrationFailed failed = (TenantMigrationFailed) result.data();
        assertThat(failed.kind()).isEqualTo(MigrationKind.NEW);
        assertThat(failed.failedVersion()).isEqualTo("4");
        assertThat(failed.currentVersion()).isEqualTo("3");
        assertThat(failed.errorCode()).isEqualTo("MIGRATION_SQL_ERROR");
        assertThat(failed.message()).contains("customer_profiles");
        // The half-made schema stays until the saga asks for a rollback.
        assertThat(schemaExists(tenant.schema())).isTrue();
        assertThat(tables(tenant.schema())).doesNotContain("loyalty_tiers");
    }

    @Test
    void anUpgradeThatFailsLeavesTheSchemaAtItsPreviousVersionWithItsRowsIntact() throws Exception {
        TestTenant tenant = TestTenant.fresh("upgradefail");
        EventEnvelope<TenantRequested> created = tenant.requested("3");
        send(created);
        assertThat(awaitResult(created).data()).isInstanceOf(TenantMigrated.class);
        execute("INSERT INTO " + tenant.schema() + ".customers (code, name) VALUES ('A1', 'Acme'), ('B2', 'Beta')");

        var upgrade = tenant.upgradeRequested();
        send(upgrade);
        var result = awaitResult(upgrade);

        assertThat(result.data()).isInstanceOf(TenantMigrationFailed.class);
        TenantMigrationFailed failed = (TenantMigrationFailed) result.data();
        assertThat(failed.kind()).isEqualTo(MigrationKind.UPGRADE);
        assertThat(failed.currentVersion()).isEqualTo("3");
        assertThat(failed.failedVersion()).isEqualTo("4");
        assertThat(queryInt("SELECT count(*) FROM " + tenant.schema() + ".customers"))
                .isEqualTo(2);
        assertThat(tables(tenant.schema())).contains("invoices").doesNotContain("loyalty_tiers");
        assertThat(queryInt("SELECT count(*) FROM " + tenant.schema() + ".flyway_schema_history WHERE success"))
                .isEqualTo(3);
    }
}
