package dev.tenantry.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.faults.RunningSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmark run behind {@code ./tenantry bench}: starts the whole system as the local stack
 * does for a user (separate processes, embedded PostgreSQL with fsync on, a KRaft broker), runs
 * every scenario with its floor, and writes the report (table, JSON, chart) to docs/benchmarks.
 * Not part of {@code mvn verify}: it runs only when named.
 *
 * <p>System properties: {@code bench.quick} (small sizes, minutes instead of an hour),
 * {@code bench.repeats} (default 3), {@code bench.scenarios} (ids to run, comma-separated; all
 * when empty), {@code bench.output} (report folder).
 */
class BenchmarkRun {

    static final String SPARE_POOL = "128";
    private static final Duration QUIET_PATIENCE = Duration.ofMinutes(5);

    /** In run order: later scenarios use what earlier ones leave (e.g. the burst's tenants). */
    static List<Scenario> scenarios() {
        return List.of(
                new StartupScenario(),
                new SignupLatencyScenario(),
                new FleetUpgradeScenario(),
                new DriftVerifyScenario(),
                new ScaleScenario(),
                new BurstScenario(),
                new WebhookDeliveryScenario());
    }

    @Test
    void measure() throws Exception {
        boolean quick = Boolean.parseBoolean(System.getProperty("bench.quick", "false"));
        int repeats = Integer.getInteger("bench.repeats", 3);
        Set<String> only = Arrays.stream(
                        System.getProperty("bench.scenarios", "").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        Path output = Path.of(System.getProperty("bench.output", "target/bench-report"))
                .toAbsolutePath()
                .normalize();
        Path work = Path.of(System.getProperty("fault-suite.target", "target"), "bench-work")
                .toAbsolutePath();
        Files.createDirectories(work);

        Figures figures = new Figures();
        Map<String, String> machine = new LinkedHashMap<>(Machine.describe());
        // A full run is the one whose figures are published: it starts on a quiet machine.
        long waited = Machine.awaitQuiet(quick ? Duration.ZERO : QUIET_PATIENCE);
        machine.put("load at start", Machine.loadAverage());
        machine.put("waited for load < 1", waited + " s (at most " + QUIET_PATIENCE.toMinutes() + " min)");
        machine.put("size", quick ? "quick" : "full");
        machine.put("repeats", Integer.toString(repeats));
        machine.put("worker spare pool", SPARE_POOL);
        machine.put("PostgreSQL", "embedded 17, fsync on, synchronous_commit on");
        Instant started = Instant.now();

        List<Scenario> chosen = scenarios().stream()
                .filter(s -> only.isEmpty() || only.contains(s.id()))
                .toList();
        // The worker reads tenant migrations from the classpath and from a folder of this run's, into
        // which the fleet scenarios drop a new release.
        // A fresh stack starts from the demo schema: an earlier run's releases are gone with its data.
        Path releases = Files.createDirectories(work.resolve("releases"));
        try (Stream<Path> stale = Files.list(releases)) {
            for (Path file : stale.toList()) {
                Files.delete(file);
            }
        }
        Map<String, String> environment = Map.of(
                "TENANTRY_WORKER_TENANT_MIGRATIONS_LOCATIONS",
                "classpath:db/tenant,filesystem:" + releases,
                // Auto-heal would start a fleet upgrade at the worker's next drift check after a
                // release appears (or after drift-verify puts tenants behind), racing the scenario's
                // own POST /admin/drift/fix: a fleet figure must time exactly the upgrade it started.
                "TENANTRY_WORKER_DRIFT_AUTO_HEAL",
                "false",
                // The worker keeps its own default spare pool (128), as in production: the local
                // stack's 8 suits a laptop, not a benchmark. The burst is larger than either.
                "TENANTRY_WORKER_SPARE_POOL_SIZE",
                SPARE_POOL);
        long upStart = System.nanoTime();
        try (RunningSystem system = RunningSystem.start("bench-stack", environment, List.of("--postgres-fsync"));
                ServiceClient client = new ServiceClient(system.token())) {
            double upSeconds = (System.nanoTime() - upStart) / 1e9;
            figures.system(
                    StartupScenario.ID,
                    "./tenantry up, jars built (to every component ready)",
                    "s",
                    Target.atMost(20),
                    upSeconds);
            BenchContext context = new BenchContext(system, client, figures, quick, repeats, work);
            for (Scenario scenario : chosen) {
                System.out.printf(
                        "%n=== %s: %s (load %s) ===%n", scenario.id(), scenario.title(), Machine.loadAverage());
                Instant scenarioStart = Instant.now();
                try {
                    scenario.run(context);
                } catch (Exception | AssertionError e) {
                    e.printStackTrace();
                    figures.failed(scenario.id(), e.toString());
                }
                System.out.printf(
                        "=== %s took %s ===%n",
                        scenario.id(),
                        Duration.between(scenarioStart, Instant.now()).withNanos(0));
            }
        }
        machine.put("load at end", Machine.loadAverage());
        machine.put(
                "duration",
                Duration.between(started, Instant.now()).withNanos(0).toString());
        BenchmarkReport report = new BenchmarkReport(machine, chosen, figures);
        System.out.println(report.table());
        report.write(output);
        System.out.println("Report written to " + output);
        assertTrue(figures.failures().isEmpty(), () -> "scenarios failed: " + figures.failures());
    }
}
