package dev.tenantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What a worker's database session keeps about the tenants it touched must stay bounded. Every
 * tenant has its own history table, PL/pgSQL compiles the version trigger once per table in each
 * session, and PostgreSQL re-checks everything a session keeps on every catalog change another
 * session makes, such as each new tenant's DDL. A long-lived session that had created or upgraded
 * thousands of tenants made every later signup many times dearer; the worker now renews its
 * sessions after so many tenant changes, and the trigger keeps one plan per table.
 */
@QuarkusTest
class WorkerSessionCostIT {

    private static final String HISTORY = "flyway_schema_history";
    private static final int HISTORY_TABLES = 40;
    private final DataSource workerPool;

    @Inject
    WorkerSessionCostIT(DataSource workerPool) {
        this.workerPool = workerPool;
    }

    @Test
    void afterSoManyTenantChangesThePoolHandsOutOnlySessionsStartedSince() throws Exception {
        // Four sessions at once, so the pool holds at least four idle ones from before.
        assertThat(startedAt(borrowFourAtOnce()))
                .as("sessions the pool had already")
                .isNotEmpty();
        Timestamp changesBegan = databaseNow();

        // The test profile renews the pool every 5 tenant schema changes.
        List<EventEnvelope<?>> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            EventEnvelope<TenantRequested> request = TestTenant.fresh("renewal").requested();
            requests.add(request);
            WorkerTestSupport.send(request);
        }
        assertThat(WorkerTestSupport.awaitResultsOf(requests))
                .allSatisfy(result -> assertThat(result.data()).isInstanceOf(TenantMigrated.class));

        // Idle sessions were closed at the renewal, sessions in use when they came back.
        assertThat(startedAt(borrowFourAtOnce()))
                .as("start of each session handed out after the changes")
                .allSatisfy(start -> assertThat(start).isAfter(changesBegan));
    }

    /** Borrows four sessions at once and gives them back; their backend pids. */
    private List<Integer> borrowFourAtOnce() throws SQLException {
        List<Integer> pids = new ArrayList<>();
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Connection connection = workerPool.getConnection();
                held.add(connection);
                pids.add(backendPid(connection));
            }
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        return pids;
    }

    private static List<Timestamp> startedAt(List<Integer> pids) throws SQLException {
        List<Timestamp> starts = new ArrayList<>();
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT backend_start FROM pg_stat_activity WHERE pid = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("integer", pids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    starts.add(rows.getTimestamp(1));
                }
            }
        }
        return starts;
    }

    private static Timestamp databaseNow() throws SQLException {
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT clock_timestamp()")) {
            row.next();
            return row.getTimestamp(1);
        }
    }

    @Test
    void recordingTheVersionOfManyTenantsKeepsOnePreparedPlanPerHistoryTableInASession() throws Exception {
        String prefix = "tenant_cost" + UUID.randomUUID().toString().substring(0, 6) + "_";
        WorkerTestSupport.execute("""
                DO $$
                BEGIN
                    FOR i IN 1..%1$d LOOP
                        EXECUTE format('CREATE SCHEMA %%I', '%2$s' || i);
                        EXECUTE format('CREATE TABLE %%I.%3$s (installed_rank integer PRIMARY KEY, version text,'
                                       ' success boolean NOT NULL)', '%2$s' || i);
                        EXECUTE format('CREATE TRIGGER tenantry_track_version AFTER INSERT ON %%I.%3$s'
                                       ' FOR EACH STATEMENT EXECUTE FUNCTION public.tenantry_track_schema_version()',
                                       '%2$s' || i);
                    END LOOP;
                END $$
                """.formatted(HISTORY_TABLES, prefix, HISTORY));
        try (Connection session = WorkerTestSupport.infra().dataSource().getConnection();
                Statement statement = session.createStatement()) {
            // The first one compiles what every table shares.
            statement.execute("INSERT INTO " + prefix + "1." + HISTORY + " VALUES (1, '1', true)");
            int before = preparedPlans(statement);
            for (int i = 2; i <= HISTORY_TABLES; i++) {
                statement.execute("INSERT INTO " + prefix + i + "." + HISTORY + " VALUES (1, '1', true)");
            }
            int perTable = (preparedPlans(statement) - before) / (HISTORY_TABLES - 1);

            assertThat(WorkerTestSupport.queryInt(
                            "SELECT count(*) FROM tenant_schema_version WHERE schema_name LIKE ? AND version = '1'",
                            prefix + "%"))
                    .as("every history table's version recorded")
                    .isEqualTo(HISTORY_TABLES);
            assertThat(perTable)
                    .as("prepared plans a session keeps per tenant history table")
                    .isLessThanOrEqualTo(1);
        } finally {
            WorkerTestSupport.execute("""
                    DO $$
                    BEGIN
                        FOR i IN 1..%d LOOP
                            EXECUTE format('DROP SCHEMA %%I CASCADE', '%s' || i);
                        END LOOP;
                    END $$
                    """.formatted(HISTORY_TABLES, prefix));
            WorkerTestSupport.execute("DELETE FROM tenant_schema_version WHERE schema_name LIKE '" + prefix + "%'");
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        }
    }

    /** Prepared plans this session keeps (PL/pgSQL's included), read from its own memory contexts. */
    private static int preparedPlans(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery(
                "SELECT count(*) FROM pg_backend_memory_contexts WHERE name = 'CachedPlanSource'")) {
            row.next();
            return row.getInt(1);
        }
    }
}
