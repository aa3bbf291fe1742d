package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.DEMO_TABLES;
import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.awaitResults;
import static dev.tenantry.worker.WorkerTestSupport.execute;
import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static dev.tenantry.worker.WorkerTestSupport.schemaExists;
import static dev.tenantry.worker.WorkerTestSupport.send;
import static dev.tenantry.worker.WorkerTestSupport.tables;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import dev.tenantry.worker.model.MigrationOutcome;
import dev.tenantry.worker.repository.SchemaCatalogRepository;
import dev.tenantry.worker.service.TenantMigrationService;
import dev.tenantry.worker.service.TenantMigrator;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TenantMigrationIT {

    @Inject
    TenantMigrationService service;

    @Inject
    TenantMigrator migrator;

    @Test
    void newTenantGetsItsSchemaAndAllTablesAndTenantMigratedCarriesTheVersions() throws Exception {
        TestTenant tenant = TestTenant.fresh("new");
        EventEnvelope<TenantRequested> request = tenant.requested();

        send(request);
        EventEnvelope<TenantryEvent> result = awaitResult(request);

        assertThat(result.data()).isInstanceOf(TenantMigrated.class);
        TenantMigrated migrated = (TenantMigrated) result.data();
        assertThat(migrated.tenantId()).isEqualTo(tenant.tenantId());
        assertThat(migrated.schema()).isEqualTo(tenant.schema());
        assertThat(migrated.kind()).isEqualTo(MigrationKind.NEW);
        assertThat(migrated.fromVersion()).isNull();
        assertThat(migrated.toVersion()).isEqualTo("3");
        assertThat(migrated.appliedCount()).isEqualTo(3);
        assertThat(result.subject()).isEqualTo(tenant.tenantId());
        assertThat(result.correlationId()).isEqualTo(request.id());
        assertThat(tables(tenant.schema())).containsExactlyElementsOf(DEMO_TABLES);
        assertThat(tables("public")).doesNotContain("customers", "invoices");
        assertThat(queryInt(
                        "SELECT count(*) FROM migration_run WHERE request_id = ? AND status = 'succeeded'",
                        request.id()))
                .isEqualTo(1);
    }

    /**
     * New tenants are built without Flyway (the direct path); Flyway must not be able to tell:
     * same tables, columns, indexes and constraints, history table included, same history rows,
     * and Flyway validates the schema and finds nothing to do.
     */
    @Test
    void aNewTenantBuiltDirectlyIsIdenticalToOneFlywayBuiltAndFlywayAcceptsIt() throws Exception {
        TestTenant tenant = TestTenant.fresh("direct");
        EventEnvelope<TenantRequested> request = tenant.requested();
        send(request);
        assertThat(awaitResult(request).data()).isInstanceOf(TenantMigrated.class);

        TenantSchema byFlyway = new TenantSchema(TestTenant.fresh("byflyway").schema());
        execute("CREATE SCHEMA " + byFlyway.quoted());
        MigrationOutcome flywayBuilt = migrator.migrate(byFlyway, null);
        assertThat(flywayBuilt.succeeded()).isTrue();

        Map<String, Set<String>> described;
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection()) {
            // A history table name no schema has: the history table itself is compared too.
            described = SchemaCatalogRepository.describe(
                    connection, List.of(tenant.schema(), byFlyway.name()), "no_table_is_excluded");
        }
        assertThat(described.get(tenant.schema()))
                .contains(
                        "index CREATE UNIQUE INDEX flyway_schema_history_pk ON flyway_schema_history USING btree (installed_rank)",
                        "index CREATE INDEX flyway_schema_history_s_idx ON flyway_schema_history USING btree (success)");
        assertThat(described.get(tenant.schema())).isEqualTo(described.get(byFlyway.name()));
        assertThat(historyRows(tenant.schema())).isEqualTo(historyRows(byFlyway.name()));

        MigrationOutcome again = migrator.migrate(new TenantSchema(tenant.schema()), null);
        assertThat(again.succeeded()).isTrue();
        assertThat(again.appliedCount()).isZero();
        assertThat(queryInt(
                        "SELECT count(*) FROM tenant_schema_version WHERE schema_name = ? AND version = '3'",
                        tenant.schema()))
                .isEqualTo(1);
        execute("DROP SCHEMA " + byFlyway.quoted() + " CASCADE");
    }

    private static List<String> historyRows(String schema) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection();
                Statement select = connection.createStatement();
                ResultSet result = select.executeQuery("SELECT installed_rank, version, description, type, script,"
                        + " checksum, installed_by, success FROM " + schema + ".flyway_schema_history ORDER BY 1")) {
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= 8; column++) {
                    row.append(result.getString(column)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Test
    void theSameRequestDeliveredTwiceMigratesOnceAndAnswersTwiceAlike() throws Exception {
        TestTenant tenant = TestTenant.fresh("twice");
        EventEnvelope<TenantRequested> request = tenant.requested();

        send(request);
        send(request);
        List<EventEnvelope<TenantryEvent>> results = awaitResults(request, 2);

        assertThat(results).hasSize(2);
        assertThat(results).allSatisfy(r -> assertThat(r.data()).isInstanceOf(TenantMigrated.class));
        assertThat(results.get(0).data()).isEqualTo(results.get(1).data());
        assertThat(queryInt("SELECT count(*) FROM migration_run WHERE request_id = ?", request.id()))
                .isEqualTo(1);
        assertThat(queryInt("SELECT count(*) FROM " + tenant.schema() + ".flyway_schema_history"))
                .isEqualTo(3);
    }

    @Test
    void twoWorkersRacingForOneTenantMigrateItOnceWithoutError() throws Exception {
        TestTenant tenant = TestTenant.fresh("race");
        EventEnvelope<TenantryEvent> first = cast(tenant.requested());
        EventEnvelope<TenantryEvent> second = cast(tenant.requested());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> both = pool.invokeAll(List.<Callable<Object>>of(
                    () -> {
                        service.handle(first);
                        return null;
                    },
                    () -> {
                        service.handle(second);
                        return null;
                    }));
            for (Future<Object> f : both) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        TenantMigrated a = (TenantMigrated) awaitResult(first).data();
        TenantMigrated b = (TenantMigrated) awaitResult(second).data();
        assertThat(a.appliedCount() + b.appliedCount()).isEqualTo(3);
        assertThat(a.toVersion()).isEqualTo("3");
        assertThat(b.toVersion()).isEqualTo("3");
        assertThat(queryInt("SELECT count(*) FROM " + tenant.schema() + ".flyway_schema_history"))
                .isEqualTo(3);
    }

    @Test
    void rollbackDropsTheHalfMadeSchemaAndCanBeRepeated() throws Exception {
        TestTenant tenant = TestTenant.fresh("rollback");
        EventEnvelope<TenantRequested> created = tenant.requested("1");
        send(created);
        assertThat(awaitResult(created).data()).isInstanceOf(TenantMigrated.class);
        assertThat(schemaExists(tenant.schema())).isTrue();

        var firstRollback = tenant.rollbackRequested();
        send(firstRollback);
        TenantRolledBack first = (TenantRolledBack) awaitResult(firstRollback).data();
        var secondRollback = tenant.rollbackRequested();
        send(secondRollback);
        TenantRolledBack second = (TenantRolledBack) awaitResult(secondRollback).data();

        assertThat(first.schemaExisted()).isTrue();
        assertThat(second.schemaExisted()).isFalse();
        assertThat(schemaExists(tenant.schema())).isFalse();
    }

    @Test
    void deletionRenamesTheSchemaAsideKeepingItsData() throws Exception {
        TestTenant tenant = TestTenant.fresh("delete");
        EventEnvelope<TenantRequested> created = tenant.requested();
        send(created);
        awaitResult(created);
        execute("INSERT INTO " + tenant.schema() + ".customers (code, name) VALUES ('C1', 'Kept Ltd')");

        var deletion = tenant.deletionRequested();
        send(deletion);
        TenantDeleted deleted = (TenantDeleted) awaitResult(deletion).data();

        assertThat(schemaExists(tenant.schema())).isFalse();
        assertThat(deleted.archivedSchema()).startsWith("deleted_" + tenant.slug() + "_");
        assertThat(schemaExists(deleted.archivedSchema())).isTrue();
        assertThat(queryInt("SELECT count(*) FROM " + deleted.archivedSchema() + ".customers"))
                .isEqualTo(1);

        var again = tenant.deletionRequested();
        send(again);
        assertThat(((TenantDeleted) awaitResult(again).data()).archivedSchema()).isEqualTo(deleted.archivedSchema());
    }

    @SuppressWarnings("unchecked")
    private static EventEnvelope<TenantryEvent> cast(EventEnvelope<? extends TenantryEvent> envelope) {
        return (EventEnvelope<TenantryEvent>) envelope;
    }
}
