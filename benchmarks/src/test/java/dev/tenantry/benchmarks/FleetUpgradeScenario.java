package dev.tenantry.benchmarks;

import dev.tenantry.faults.SecondInstance;
import java.time.Duration;
import java.util.List;

/**
 * A release reaching every existing tenant: one new migration (a column and an index on the demo
 * {@code customers} table) applied by the worker's fleet upgrade ({@code POST /admin/drift/fix}, a
 * one-stage rollout), against the same SQL applied to as many raw schemas of the same shape over
 * one JDBC connection. Measured with the stack's one worker process, then again with a second
 * worker process sharing the rollout (claims in the shared schema).
 */
final class FleetUpgradeScenario implements Scenario {

    private static final String ID = "fleet-upgrade";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Fleet upgrade: 1,000 existing tenants × 1 new migration. Baseline: the same SQL over one JDBC"
                + " connection. Target ≤ 1.15× the baseline.";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        TenantFleet fleet = new TenantFleet(context);
        FleetAdmin worker = new FleetAdmin(context);
        Releases releases = new Releases(context);
        Figures figures = context.figures();

        int wanted = context.size(1_000, 100);
        long signupStart = System.nanoTime();
        int before = fleet.activeTenants();
        fleet.ensureActiveTenants(wanted);
        if (fleet.activeTenants() > before) {
            figures.note(
                    ID,
                    String.format(
                            "%,d tenants signed up first (10 clients) in %.0f s; %,d were there.",
                            fleet.activeTenants() - before, (System.nanoTime() - signupStart) / 1e9, before));
        }
        int tenants = fleet.tenantSchemas();
        int foreign = fleet.schemasWithoutDemoTables();
        if (foreign > 0) {
            // The release alters customers: a history-only schema (e.g. left by the scale scenario
            // run before this one) would fail it, and the figure would time failures.
            throw new IllegalStateException(foreign + " of " + tenants + " tenant schemas lack the demo tables");
        }
        RawFleet floor = RawFleet.build(context.system().dataSource(), tenants, releases.allScripts());
        try {
            measure(context, fleet, worker, releases, floor, tenants, "one worker process", "");
            try (SecondInstance second =
                    SecondInstance.of(context.system(), "migration-worker", "bench-migration-worker-2")) {
                second.awaitReady(Duration.ofMinutes(3));
                measure(context, fleet, worker, releases, floor, tenants, "two worker processes", ", two workers");
            }
        } finally {
            floor.drop();
        }
    }

    private static void measure(
            BenchContext context,
            TenantFleet fleet,
            FleetAdmin worker,
            Releases releases,
            RawFleet floor,
            int tenants,
            String workers,
            String suffix)
            throws Exception {
        Figures figures = context.figures();
        for (int i = 0; i < context.repeats(); i++) {
            int version = releases.release("loyalty_points", v -> """
                    ALTER TABLE customers ADD COLUMN loyalty_points_%1$d integer NOT NULL DEFAULT 0;
                    CREATE INDEX customers_loyalty_%1$d_idx ON customers (loyalty_points_%1$d);
                    """.formatted(v));
            fleet.awaitSparesAt(version);
            List<Releases.Script> scripts = releases.allScripts();
            // The floor first, on a quiet system; the fleet upgrade's aftermath (results,
            // registry updates, webhooks) is waited out before the next repetition.
            double floorSeconds = floor.upgrade(scripts.get(scripts.size() - 1));
            FleetAdmin.FleetRun run = worker.upgradeFleet(tenants);
            double registrySeconds = fleet.awaitRegistryAt(version, Duration.ofMinutes(5));

            figures.system(
                    ID,
                    String.format("fleet upgrade of %,d tenants, %s (startedAt → finishedAt)", tenants, workers),
                    "s",
                    null,
                    run.serverSeconds());
            figures.info(
                    ID, "fleet upgrade, POST /admin/drift/fix → seen finished (wall)" + suffix, "s", run.wallSeconds());
            figures.floor(
                    ID,
                    String.format("same SQL + history row, %,d raw schemas, one JDBC connection", tenants),
                    "s",
                    floorSeconds);
            figures.ratio(
                    ID,
                    "fleet upgrade vs floor" + suffix,
                    suffix.isEmpty() ? Target.atMost(1.15) : null,
                    run.serverSeconds() / floorSeconds);
            figures.system(ID, "tenants upgraded per second" + suffix, "tenants/s", null, run.tenantsPerSecond());
            figures.info(ID, "registry at the new version, after the upgrade finished" + suffix, "s", registrySeconds);
            figures.info(
                    ID,
                    "per tenant, the migration as the run log times it (mean)" + suffix,
                    "ms",
                    worker.meanMigrationMillis(run));
            figures.info(
                    ID,
                    "per tenant, fleet upgrade time ÷ tenants" + suffix,
                    "ms",
                    run.serverSeconds() * 1000 / tenants);
        }
    }
}
