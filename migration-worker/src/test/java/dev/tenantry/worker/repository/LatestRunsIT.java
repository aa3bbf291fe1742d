package dev.tenantry.worker.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.worker.WorkerTestSupport;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The latest run per schema (drift verification, so the readiness check every 10 s) must cost the
 * number of schemas, not the length of the run log.
 */
@QuarkusTest
class LatestRunsIT {

    private static final Pattern RELATION = Pattern.compile("\"Relation Name\":\\s*\"([a-z_]+)\"");

    @Inject
    TenantVersionRepository versions;

    @Test
    void theLatestRunsQueryNeverReadsTheRunLog() throws Exception {
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection();
                Statement explain = connection.createStatement();
                ResultSet plan = explain.executeQuery("EXPLAIN (FORMAT JSON) " + TenantVersionRepository.LAST_RUNS)) {
            plan.next();
            String json = plan.getString(1);
            Matcher relations = RELATION.matcher(json);
            List<String> read = relations.results().map(m -> m.group(1)).toList();
            assertThat(read).as(json).isNotEmpty().doesNotContain("migration_run");
        }
    }

    @Test
    void manyRunsPerSchemaYieldTheLatestOfEach() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        // 3,000 runs over three schemas, inserted in one statement in shuffled order, the last
        // failing for one schema.
        WorkerTestSupport.execute("""
                INSERT INTO migration_run (tenant_id, schema_name, request_id, kind, status, error_code,
                                           started_at, finished_at, duration_ms)
                SELECT 'many-%1$s-' || (n %% 3), 'tenant_many%1$s_' || (n %% 3), gen_random_uuid()::text,
                       CASE WHEN n %% 2 = 0 THEN 'upgrade' ELSE 'new' END,
                       CASE WHEN n >= 2997 AND n %% 3 = 1 THEN 'failed' ELSE 'succeeded' END,
                       CASE WHEN n >= 2997 AND n %% 3 = 1 THEN 'boom' END,
                       now(), now(), n
                FROM generate_series(1, 3000) AS n ORDER BY n
                """.formatted(id));

        Map<String, TenantVersionRepository.LastRun> latest = new HashMap<>();
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection()) {
            versions.lastRuns(connection).stream()
                    .filter(r -> r.schema().startsWith("tenant_many" + id))
                    .forEach(r -> latest.put(r.schema(), r));
        }

        assertThat(latest).hasSize(3);
        for (int k = 0; k < 3; k++) {
            String schema = "tenant_many" + id + "_" + k;
            int newest = WorkerTestSupport.queryInt(
                    "SELECT duration_ms FROM migration_run WHERE schema_name = ? ORDER BY id DESC LIMIT 1", schema);
            assertThat(newest).isBetween(2998, 3000);
            TenantVersionRepository.LastRun run = latest.get(schema);
            assertThat(run.kind()).isEqualTo(newest % 2 == 0 ? "upgrade" : "new");
            assertThat(run.succeeded()).isEqualTo(k != 1);
            assertThat(run.errorCode()).isEqualTo(k == 1 ? "boom" : null);
        }
    }
}
