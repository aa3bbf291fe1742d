package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, first scenario: the migration worker killed with SIGKILL again and again while a burst
 * of signups is provisioned, about one in ten made to fail its first migration. The local stack's
 * supervisor restarts the worker each time; once the system has settled, every tenant must have
 * ended where it should (ACTIVE, or ROLLED_BACK for the doomed ones) and the invariant checker
 * must find nothing wrong: no orphan schema, no migration applied twice, no event lost between
 * the outbox, the topics and the webhooks, and no dead letter (no fault here explains one).
 *
 * <p>Sizes: {@code -Dtenantry.faults.tenants} (200), {@code -Dtenantry.faults.kills} (20);
 * {@code -Dtenantry.faults.seed} repeats a run's kill timing and choice of doomed tenants.
 * Runs only with {@code -Pfaults}.
 */
class WorkerCrashIT {

    private static final String SCENARIO = "worker-crash";
    private static final int CLIENTS = 10;
    private static final double DOOMED_SHARE = 0.10;
    /** Up to this long between a wave of signups and the next kill: some kills land on idle, some on busy workers. */
    private static final int MAX_KILL_DELAY_MILLIS = 3_000;

    private static final Duration SETTLE_PATIENCE = Duration.ofMinutes(20);

    @Test
    void everyTenantEndsWhereItShouldAndNoInvariantBreaksWhileTheWorkerIsKilledAgainAndAgain() throws Exception {
        int tenantCount = ScenarioProperties.intProperty("tenantry.faults.tenants", 200);
        int killCount = ScenarioProperties.intProperty("tenantry.faults.kills", 20);
        long seed = ScenarioProperties.seed();
        System.out.printf(
                "[fault-suite] %s: %d tenants, %d kills, seed %d (-Dtenantry.faults.seed=%d repeats it)%n",
                SCENARIO, tenantCount, killCount, seed, seed);
        Random random = new Random(seed);
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < tenantCount; i++) {
            slugs.add(String.format("crash_%04d", i));
        }
        List<Boolean> doomed = doomedChoice(tenantCount, random);

        try (RunningSystem system = RunningSystem.start("fault-stack-" + SCENARIO)) {
            DataSource database = system.dataSource();
            InvariantChecker checker = new InvariantChecker(database, system.kafkaBootstrap());
            Instant since = Instant.now();
            WorkerKiller killer = new WorkerKiller(system);
            List<Signup> signups;
            try (TenantBurst burst = new TenantBurst(
                    slugs, doomed, system.provisioningUrl(), system.token(), new DoomedSchema(database), CLIENTS)) {
                List<Integer> waves = waves(tenantCount, killCount + 1);
                burst.release(waves.get(0));
                for (int kill = 1; kill <= killCount; kill++) {
                    // The fault's timing, drawn from the seed: not a wait for the system.
                    Thread.sleep(random.nextInt(MAX_KILL_DELAY_MILLIS));
                    long pid = killer.killAndAwaitBack();
                    System.out.printf(
                            "[fault-suite] kill %d/%d: worker pid %d killed, supervisor has it back%n",
                            kill, killCount, pid);
                    burst.release(waves.get(kill));
                }
                signups = burst.awaitAnswered(Duration.ofMinutes(10));
            }
            Instant lastFault = killer.count() > 0 ? killer.lastKill() : since;

            Settling settling = new Settling(database);
            settling.awaitTenantsFinal(SETTLE_PATIENCE);
            settling.awaitOutboxAndWebhooksSettled(SETTLE_PATIENCE);
            // Once the database has settled, the topics and deliveries follow within seconds.
            settling.awaitCaughtUp(() -> checker.check(since), Duration.ofMinutes(5));
            double settledAfter = Duration.between(lastFault, Instant.now()).toMillis() / 1000.0;

            Map<String, String> statuses = TenantStatuses.of(signups, system.provisioningUrl(), system.token());
            InvariantReport report = checker.check(since);
            ScenarioSummary summary = new ScenarioSummary(
                    SCENARIO,
                    "SIGKILL of the migration worker during a " + "signup burst, "
                            + signups.stream().filter(Signup::doomed).count() + " tenants doomed to fail",
                    killer.count(),
                    signups.size(),
                    report.violations().size(),
                    report.deadLetters(),
                    settledAfter,
                    seed);
            System.out.println(summary.line());
            System.out.println("[fault-suite] tenants by status: " + settling.tenantsByStatus() + "; summary in "
                    + summary.write());

            assertThat(signups).hasSize(tenantCount);
            List<String> misplaced = signups.stream()
                    .filter(s -> !s.expectedStatus().equals(statuses.get(s.slug())))
                    .map(s -> s.slug() + " (" + s.id() + ") is " + statuses.get(s.slug()) + ", expected "
                            + s.expectedStatus())
                    .toList();
            assertThat(misplaced)
                    .as("tenants that did not end where they should; stack logs in %s", system.logs())
                    .isEmpty();
            assertThat(report.violations()).as(report.describe()).isEmpty();
        }
    }

    /** Exactly a tenth of the tenants (at least one), at seeded places in the burst. */
    private static List<Boolean> doomedChoice(int tenantCount, Random random) {
        int doomedCount = Math.max(1, (int) Math.round(tenantCount * DOOMED_SHARE));
        List<Boolean> doomed = new ArrayList<>(Collections.nCopies(tenantCount, false));
        for (int i = 0; i < doomedCount; i++) {
            doomed.set(i, true);
        }
        Collections.shuffle(doomed, random);
        return doomed;
    }

    /** The tenants split into that many waves, one before the first kill and one after each. */
    private static List<Integer> waves(int tenantCount, int waveCount) {
        return java.util.stream.IntStream.range(0, waveCount)
                .mapToObj(w -> tenantCount * (w + 1) / waveCount - tenantCount * w / waveCount)
                .collect(Collectors.toList());
    }
}
