package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.DEMO_TABLES;
import static dev.tenantry.worker.WorkerTestSupport.TIMEOUT;
import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.execute;
import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static dev.tenantry.worker.WorkerTestSupport.schemaExists;
import static dev.tenantry.worker.WorkerTestSupport.send;
import static dev.tenantry.worker.WorkerTestSupport.tables;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import dev.tenantry.worker.model.MigrationOutcome;
import dev.tenantry.worker.service.SparePool;
import dev.tenantry.worker.service.TenantMigrator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(SparePoolProfile.class)
class SparePoolIT {

    @Inject
    SparePool pool;

    @Inject
    TenantMigrator migrator;

    @Test
    void aNewTenantTakesAReadySpareThatFlywayCannotTellFromABuiltSchema() throws Exception {
        await().atMost(TIMEOUT).until(() -> pool.ready() == SparePoolProfile.SIZE);
        Set<String> sparesBefore = spareSchemas();
        TestTenant tenant = TestTenant.fresh("fromspare");
        EventEnvelope<TenantRequested> request = tenant.requested();

        send(request);
        TenantMigrated migrated = (TenantMigrated) awaitResult(request).data();

        assertThat(migrated.fromVersion()).isNull();
        assertThat(migrated.toVersion()).isEqualTo("3");
        assertThat(migrated.appliedCount()).isEqualTo(3);
        assertThat(tables(tenant.schema())).containsExactlyElementsOf(DEMO_TABLES);
        Set<String> taken = new HashSet<>(sparesBefore);
        taken.removeAll(spareSchemas());
        assertThat(taken).as("exactly one spare became the tenant").hasSize(1);
        String spare = taken.iterator().next();
        assertThat(queryInt("SELECT count(*) FROM tenant_spare_schema WHERE schema_name = ?", spare))
                .isZero();
        assertThat(queryInt("SELECT count(*) FROM tenant_schema_version WHERE schema_name = ?", spare))
                .isZero();
        assertThat(queryInt(
                        "SELECT count(*) FROM tenant_schema_version WHERE schema_name = ? AND version = '3'",
                        tenant.schema()))
                .isEqualTo(1);
        MigrationOutcome flyway = migrator.migrate(new TenantSchema(tenant.schema()), null);
        assertThat(flyway.succeeded()).isTrue();
        assertThat(flyway.appliedCount()).isZero();
        // The tenant's data starts empty and its identity columns work after the rename.
        execute("INSERT INTO " + tenant.schema() + ".customers (code, name) VALUES ('c1', 'First customer')");
        assertThat(queryInt("SELECT count(*) FROM " + tenant.schema() + ".customers"))
                .isEqualTo(1);

        await().atMost(TIMEOUT).until(() -> pool.ready() == SparePoolProfile.SIZE);
    }

    @Test
    void aTenantAskedForAnOlderVersionIsBuiltNotTakenFromThePool() throws Exception {
        TestTenant tenant = TestTenant.fresh("older");
        EventEnvelope<TenantRequested> request = tenant.requested("2");

        send(request);
        TenantMigrated migrated = (TenantMigrated) awaitResult(request).data();

        assertThat(migrated.toVersion()).isEqualTo("2");
        assertThat(migrated.appliedCount()).isEqualTo(2);
        assertThat(tables(tenant.schema())).doesNotContain("invoices");
    }

    @Test
    void sparesOfOtherMigrationsAndUnregisteredOnesAreDroppedNeverHandedOut() throws Exception {
        execute("CREATE SCHEMA tenantry_spare_outdated0001");
        execute("INSERT INTO tenant_spare_schema (schema_name, release, version, created_at)"
                + " VALUES ('tenantry_spare_outdated0001', 'an-older-release', '2', now() - interval '1 day')");
        execute("CREATE SCHEMA tenantry_spare_orphan0001");

        await().atMost(TIMEOUT)
                .until(() ->
                        !schemaExists("tenantry_spare_outdated0001") && !schemaExists("tenantry_spare_orphan0001"));
        assertThat(queryInt("SELECT count(*) FROM tenant_spare_schema WHERE release = 'an-older-release'"))
                .isZero();
        await().atMost(TIMEOUT).until(() -> pool.ready() == SparePoolProfile.SIZE);
    }

    private static Set<String> spareSchemas() throws SQLException {
        Set<String> names = new HashSet<>();
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(
                        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenantry\\_spare\\_%'")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
