package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, dependency outages: Kafka or PostgreSQL away in the middle of a signup burst. Half of
 * the burst is out when the dependency goes; the other half is asked for while it is away (the
 * clients retry a 503 with the same Idempotency-Key, as a careful client does). Then the
 * dependency comes back and nobody touches anything: every tenant must end ACTIVE, no event may be
 * lost or dead-lettered (an outage is not a record's fault), and the invariant checker must find
 * nothing. The time from the dependency's return until the system has settled is recorded as the
 * recovery time.
 *
 * <p>The outages, one after the other on one running system: the broker frozen (SIGSTOP, then
 * SIGCONT), the broker stopped and started again, PostgreSQL stopped and started again. Each lasts
 * the seconds of {@code -Dtenantry.faults.outage-seconds} (a comma-separated list, default 10).
 * Runs only with {@code -Pfaults}.
 */
class DependencyOutageIT {

    private static final String SCENARIO = "dependency-outage";
    private static final int CLIENTS = 10;
    private static final Duration SETTLE_PATIENCE = Duration.ofMinutes(10);

    private static RunningSystem system;
    private static InvariantChecker checker;

    /** What goes away and how. */
    enum Outage {
        BROKER_FROZEN("kafka", "broker frozen (SIGSTOP)") {
            @Override
            void begin(RunningSystem system) throws Exception {
                signal("STOP", system.component(component).pid());
            }

            @Override
            void end(RunningSystem system) throws Exception {
                signal("CONT", system.component(component).pid());
            }
        },
        BROKER_STOPPED("kafka", "broker stopped"),
        DATABASE_STOPPED("postgres", "PostgreSQL stopped");

        final String component;
        final String description;

        Outage(String component, String description) {
            this.component = component;
            this.description = description;
        }

        void begin(RunningSystem system) throws Exception {
            system.stop(component);
        }

        void end(RunningSystem system) throws Exception {
            system.restart(component);
        }

        String slugPrefix() {
            return name().toLowerCase().replace("_", "");
        }
    }

    @BeforeAll
    static void startSystem() throws Exception {
        system = RunningSystem.start("fault-stack-" + SCENARIO);
        checker = new InvariantChecker(system.dataSource(), system.kafkaBootstrap());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    static Stream<Arguments> outages() {
        int[] seconds = Arrays.stream(System.getProperty("tenantry.faults.outage-seconds", "10")
                        .split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt)
                .toArray();
        List<Arguments> cases = new ArrayList<>();
        for (int duration : seconds) {
            for (Outage outage : Outage.values()) {
                cases.add(Arguments.of(outage, duration));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} for {1} s")
    @MethodSource("outages")
    void everySignupEndsActiveAndNothingIsLostWhenADependencyIsAwayMidBurst(Outage outage, int seconds)
            throws Exception {
        int tenantCount = Integer.getInteger("tenantry.faults.outage-tenants", 40);
        String scenario = SCENARIO + "-" + outage.name().toLowerCase().replace('_', '-') + "-" + seconds + "s";
        List<String> slugs = IntStream.range(0, tenantCount)
                .mapToObj(i -> String.format("%s_%d_%03d", outage.slugPrefix(), seconds, i))
                .toList();
        DataSource database = system.dataSource();
        Instant since = Instant.now();

        List<Signup> signups;
        Instant back;
        int unavailableAnswers;
        try (TenantBurst burst = new TenantBurst(
                slugs,
                Collections.nCopies(tenantCount, false),
                system.provisioningUrl(),
                system.token(),
                new DoomedSchema(database),
                CLIENTS)) {
            burst.release(tenantCount / 2);
            outage.begin(system);
            Instant away = Instant.now();
            System.out.printf(
                    "[fault-suite] %s: %s for %d s, %d tenants%n", scenario, outage.description, seconds, tenantCount);
            burst.release(tenantCount - tenantCount / 2);
            // The fault's length: not a wait for the system.
            Thread.sleep(Math.max(
                    0,
                    Duration.between(Instant.now(), away.plusSeconds(seconds)).toMillis()));
            outage.end(system);
            back = Instant.now();
            signups = burst.awaitAnswered(Duration.ofMinutes(5));
            unavailableAnswers = burst.unavailableAnswers();
        }

        Settling settling = new Settling(database);
        settling.awaitTenantsFinal(SETTLE_PATIENCE);
        settling.awaitOutboxAndWebhooksSettled(SETTLE_PATIENCE);
        double recovery = Duration.between(back, Instant.now()).toMillis() / 1000.0;
        settling.awaitCaughtUp(() -> checker.check(since), Duration.ofMinutes(5));

        Map<String, String> statuses = TenantStatuses.of(signups, system.provisioningUrl(), system.token());
        InvariantReport report = checker.check(since);
        ScenarioSummary summary = new ScenarioSummary(
                scenario,
                outage.description + " for " + seconds + " s mid-burst (" + unavailableAnswers
                        + " signup answers 503 or none)",
                1,
                signups.size(),
                report.violations().size(),
                report.deadLetters(),
                recovery,
                0);
        System.out.println(summary.line());
        summary.write();

        assertThat(signups).hasSize(tenantCount);
        assertThat(statuses.entrySet().stream()
                        .filter(e -> !e.getValue().equals("ACTIVE"))
                        .toList())
                .as("signups not ACTIVE after %s; stack logs in %s", outage.description, system.logs())
                .isEmpty();
        assertThat(report.violations()).as(report.describe()).isEmpty();
        List<StackComponentStatus> notRunning =
                system.status().stream().filter(c -> !c.running()).toList();
        assertThat(notRunning)
                .as("components not running and ready after the outage")
                .isEmpty();
    }

    private static void signal(String signal, Long pid) throws Exception {
        if (pid == null) {
            throw new IllegalStateException("no pid to send SIG" + signal + " to");
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }
}
