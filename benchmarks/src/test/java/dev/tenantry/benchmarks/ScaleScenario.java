package dev.tenantry.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Drift verify and fleet upgrade at three fleet sizes in one run, so their cost per tenant can be
 * read as a curve. The fleet grows with history-only schemas (see
 * {@link TenantFleet#growWithHistoryOnly}) on top of the tenants already there, and each fleet
 * upgrade releases a migration that creates a table, which those schemas accept as well as full
 * tenants do. The worker's per-schema lock, direct migration, run log row and result event all
 * apply to every one of them. What this scenario makes is left in place: every schema up to date.
 */
final class ScaleScenario implements Scenario {

    private static final String ID = "scale";
    private static final Target LINEAR = Target.atMost(1.1);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Drift verify and fleet upgrade at 1,000 / 5,000 / 10,000 tenants in one run, shown as a curve:"
                + " cost must grow linearly or better.";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        TenantFleet fleet = new TenantFleet(context);
        FleetAdmin worker = new FleetAdmin(context);
        Releases releases = new Releases(context);
        Figures figures = context.figures();
        int[] sizes = context.quick() ? new int[] {200, 500, 1_000} : new int[] {1_000, 5_000, 10_000};

        // A full run upgrades 16,000 tenants per repetition, about 20 ms each on two cores: more
        // than one repetition would not fit the scenario's quarter of an hour.
        int upgradeRepeats = context.quick() ? context.repeats() : 1;
        if (upgradeRepeats < context.repeats()) {
            figures.note(
                    ID,
                    "Fleet upgrades ran once per size (about 20 ms per tenant: repeating them would"
                            + " take the scenario past 15 minutes); drift verify ran " + context.repeats()
                            + " times per size.");
        }
        List<Double> verifyPerTenant = new ArrayList<>();
        List<Double> upgradePerTenant = new ArrayList<>();
        List<Integer> measured = new ArrayList<>();
        for (int size : sizes) {
            int existing = fleet.tenantSchemas();
            if (existing > size) {
                figures.note(
                        ID,
                        String.format(
                                "%,d tenants skipped: the fleet already had %,d tenant schemas.", size, existing));
                continue;
            }
            fleet.growWithHistoryOnly("scale", size, worker.latestVersion());
            String at = String.format(" @ %,d tenants", size);

            worker.drift(); // warm-up after the fleet grew
            List<Double> verifies = new ArrayList<>();
            for (int i = 0; i < context.repeats(); i++) {
                double ms = worker.drift().get("durationMs").asDouble();
                verifies.add(ms);
                figures.system(ID, "drift verify" + at, "ms", null, ms);
                figures.info(ID, "drift verify per tenant" + at, "µs", ms * 1000 / size);
            }

            List<Double> upgrades = new ArrayList<>();
            for (int i = 0; i < upgradeRepeats; i++) {
                int version = releases.release("scale_table", v -> """
                        CREATE TABLE scale_marker_%1$d (id bigint PRIMARY KEY, noted_at timestamptz NOT NULL DEFAULT now());
                        """.formatted(v));
                fleet.awaitSparesAt(version);
                FleetAdmin.FleetRun run = worker.upgradeFleet(size);
                upgrades.add(run.serverSeconds());
                figures.system(ID, "fleet upgrade" + at, "s", null, run.serverSeconds());
                figures.info(ID, "fleet upgrade per tenant" + at, "ms", run.serverSeconds() * 1000 / size);
                figures.info(ID, "migration per tenant, run log (mean)" + at, "ms", worker.meanMigrationMillis(run));
                // The real tenants' results still travel to the registry; the next figure starts after.
                fleet.awaitRegistryAt(version, Duration.ofMinutes(5));
            }
            verifyPerTenant.add(median(verifies) / size);
            upgradePerTenant.add(median(upgrades) / size);
            measured.add(size);
        }
        if (measured.size() < 2) {
            figures.note(ID, "fewer than two sizes measured: no growth figure.");
            return;
        }
        int last = measured.size() - 1;
        String growth = String.format("growth %,d vs %,d per tenant", measured.get(last), measured.get(0));
        figures.ratio(ID, growth + ", drift verify", LINEAR, verifyPerTenant.get(last) / verifyPerTenant.get(0));
        figures.ratio(ID, growth + ", fleet upgrade", LINEAR, upgradePerTenant.get(last) / upgradePerTenant.get(0));
        figures.note(
                ID,
                "Growth figures compare the medians of the per-tenant costs at the largest and smallest"
                        + " size (≤ 1: linear or better); one value per run, not per repetition.");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
