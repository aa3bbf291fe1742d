package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /admin/drift} over a fleet of 10,000 tenant schemas: once with nothing pending, once
 * with exactly 10% of them one version behind. The report must name exactly those. The fleet is
 * topped up with history-only schemas (see {@link TenantFleet#growWithHistoryOnly}), which are
 * dropped again at the end, so later scenarios find the fleet as this one found it.
 */
final class DriftVerifyScenario implements Scenario {

    private static final String ID = "drift-verify";
    private static final Target SERVER_TARGET = Target.atMost(100);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Drift verify over 10,000 tenant schemas, nothing pending and 10% behind. Target ≤ 100 ms server"
                + " side, and the report lists exactly the tenants behind.";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        TenantFleet fleet = new TenantFleet(context);
        FleetAdmin worker = new FleetAdmin(context);
        Figures figures = context.figures();
        int size = context.size(10_000, 1_000);

        List<String> made = fleet.growWithHistoryOnly("drift", size, worker.latestVersion());
        try {
            int behindCount = size / 10;
            if (made.size() < behindCount) {
                throw new IllegalStateException("only " + made.size() + " history-only schemas to put behind, "
                        + behindCount + " needed: the fleet had too many tenants already");
            }
            worker.drift(); // warm-up: the first verify after new schemas reads PostgreSQL's catalog cold
            for (int i = 0; i < context.repeats(); i++) {
                JsonNode report = timedVerify(context, worker, "nothing pending");
                requireBehind(report, Set.of());
                figures.info(
                        ID,
                        "tenant schemas verified",
                        "schemas",
                        report.get("totalTenants").asInt());
                figures.floor(
                        ID,
                        "every tenant schema and its indexed version, one query over JDBC",
                        "ms",
                        catalogFloorMillis(context));
            }

            // Every tenth history-only schema, spread over the fleet rather than one block of names.
            List<String> behind = new ArrayList<>();
            int step = made.size() / behindCount;
            for (int i = 0; i < behindCount; i++) {
                behind.add(made.get(i * step));
            }
            List<TenantFleet.HeldRow> held = fleet.holdBack(behind);
            try {
                for (int i = 0; i < context.repeats(); i++) {
                    JsonNode report = timedVerify(context, worker, "10% behind");
                    requireBehind(report, new TreeSet<>(behind));
                    figures.info(
                            ID,
                            "tenants listed behind",
                            "schemas",
                            report.get("behind").size());
                }
            } finally {
                fleet.restore(held);
            }
            requireBehind(worker.drift(), Set.of());
        } finally {
            fleet.drop(made);
        }
    }

    private JsonNode timedVerify(BenchContext context, FleetAdmin worker, String situation) throws Exception {
        long start = System.nanoTime();
        JsonNode report = worker.drift();
        double roundTrip = (System.nanoTime() - start) / 1e6;
        context.figures()
                .system(
                        ID,
                        "drift verify, " + situation + " (server durationMs)",
                        "ms",
                        SERVER_TARGET,
                        report.get("durationMs").asDouble());
        context.figures().info(ID, "drift verify, " + situation + " (HTTP round trip, JSON included)", "ms", roundTrip);
        return report;
    }

    /** Fails the scenario unless the report's behind list is exactly {@code expected} (schema names). */
    private static void requireBehind(JsonNode report, Set<String> expected) {
        Set<String> listed = new TreeSet<>();
        report.get("behind").forEach(b -> listed.add(b.get("schema").asText()));
        if (!listed.equals(expected)) {
            Set<String> extra = new TreeSet<>(listed);
            extra.removeAll(expected);
            Set<String> absent = new TreeSet<>(expected);
            absent.removeAll(listed);
            throw new AssertionError("drift report lists " + listed.size() + " behind, expected " + expected.size()
                    + "; unexpected " + first(extra) + ", missing " + first(absent));
        }
    }

    private static String first(Set<String> names) {
        return names.stream().limit(5).toList() + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }

    /**
     * The least a verify could read: every tenant schema's name and its version from the worker's
     * index, one query on a fresh connection, no comparison, no report.
     */
    private static double catalogFloorMillis(BenchContext context) throws Exception {
        try (Connection c = context.system().dataSource().getConnection();
                Statement s = c.createStatement()) {
            long start = System.nanoTime();
            int rows = 0;
            try (ResultSet r = s.executeQuery("SELECT n.nspname, v.version FROM pg_namespace n"
                    + " LEFT JOIN tenant_schema_version v ON v.schema_name = n.nspname"
                    + " WHERE n.nspname LIKE 'tenant\\_%'")) {
                while (r.next()) {
                    rows++;
                }
            }
            if (rows == 0) {
                throw new IllegalStateException("no tenant schema found by the floor query");
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
