package dev.tenantry.worker.repository;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.worker.WorkerTestSupport;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog lookups on a signup's path and in every drift verify must stay linear in the number
 * of schemas (one pass, or one index lookup per schema), whatever the planner's statistics say. Every tenant's history table has the same name,
 * so a lookup that starts from pg_class by name reads one row per tenant in the database; a fleet
 * that grew after the catalogs were last analyzed (a burst of signups, a bulk import) is exactly
 * when the planner picks that path. The tests analyze the catalogs first, then add a few hundred
 * tenant schemas, and read the executed plan.
 */
@QuarkusTest
class CatalogLookupsIT {

    private static final int SCHEMAS = 300;
    private static final String HISTORY = "flyway_schema_history";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix = "tenant_lookup" + UUID.randomUUID().toString().substring(0, 6) + "_";

    @BeforeEach
    void growTheFleetAfterTheCatalogsWereAnalyzed() throws Exception {
        WorkerTestSupport.execute("ANALYZE pg_namespace");
        WorkerTestSupport.execute("ANALYZE pg_class");
        WorkerTestSupport.execute("""
                DO $$
                BEGIN
                    FOR i IN 1..%d LOOP
                        EXECUTE format('CREATE SCHEMA %%I', '%s' || i);
                        EXECUTE format('CREATE TABLE %%I.%s (installed_rank integer PRIMARY KEY)', '%s' || i);
                    END LOOP;
                END $$
                """.formatted(SCHEMAS, prefix, HISTORY, prefix));
    }

    @AfterEach
    void dropTheSchemas() throws Exception {
        WorkerTestSupport.execute("""
                DO $$
                BEGIN
                    FOR i IN 1..%d LOOP
                        EXECUTE format('DROP SCHEMA %%I CASCADE', '%s' || i);
                    END LOOP;
                END $$
                """.formatted(SCHEMAS, prefix));
    }

    @Test
    void listingTheFleetReadsEachHistoryTableOnce() throws Exception {
        JsonNode plan = executedPlanAfter(
                TenantVersionRepository.LINEAR_JOINS,
                TenantVersionRepository.TENANT_SCHEMAS,
                HISTORY,
                TenantVersionRepository.TRIGGER);

        List<JsonNode> classScans = scansOf(plan, "pg_class");
        assertThat(classScans).as(plan.toPrettyString()).isNotEmpty();
        // At most one pass over pg_class; the n² plan read every history table once per schema.
        assertThat(rowsRead(classScans)).as(plan.toPrettyString()).isLessThanOrEqualTo(count("pg_class"));
    }

    @Test
    void checkingOneSchemaForItsHistoryTableReadsOneRow() throws Exception {
        JsonNode plan = executedPlan(TenantSchemaRepository.HAS_TABLE, HISTORY, prefix + 1);

        List<JsonNode> classScans = scansOf(plan, "pg_class");
        assertThat(classScans)
                .as(plan.toPrettyString())
                .isNotEmpty()
                .allSatisfy(scan -> assertThat(scan.path("Index Cond").asText())
                        .contains("relname =")
                        .contains("relnamespace ="));
        assertThat(rowsRead(classScans)).as(plan.toPrettyString()).isLessThanOrEqualTo(1);
    }

    private static JsonNode executedPlan(String sql, String... parameters) throws Exception {
        return executedPlanAfter("RESET ALL", sql, parameters);
    }

    /** The executed plan of {@code sql}, run after {@code setting} in the same session. */
    private static JsonNode executedPlanAfter(String setting, String sql, String... parameters) throws Exception {
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection();
                PreparedStatement explain = connection.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
            try (Statement set = connection.createStatement()) {
                set.execute(setting);
            }
            for (int i = 0; i < parameters.length; i++) {
                explain.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = explain.executeQuery()) {
                rows.next();
                return JSON.readTree(rows.getString(1)).get(0).get("Plan");
            }
        }
    }

    private static List<JsonNode> scansOf(JsonNode plan, String relation) {
        List<JsonNode> scans = new ArrayList<>();
        collect(plan, relation, scans);
        return scans;
    }

    private static void collect(JsonNode node, String relation, List<JsonNode> scans) {
        if (relation.equals(node.path("Relation Name").asText())) {
            scans.add(node);
        }
        for (JsonNode child : node.path("Plans")) {
            collect(child, relation, scans);
        }
    }

    /** Rows each scan produced over all its executions, plus the ones its filter threw away. */
    private static long rowsRead(List<JsonNode> scans) {
        long read = 0;
        for (JsonNode scan : scans) {
            long loops = scan.path("Actual Loops").asLong();
            read += (scan.path("Actual Rows").asLong()
                            + scan.path("Rows Removed by Filter").asLong())
                    * loops;
        }
        return read;
    }

    private static long count(String catalog) throws Exception {
        try (Connection connection = WorkerTestSupport.infra().dataSource().getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT count(*) FROM " + catalog)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
