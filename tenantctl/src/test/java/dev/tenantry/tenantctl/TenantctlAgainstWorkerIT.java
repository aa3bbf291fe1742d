package dev.tenantry.tenantctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.ServiceJvm;
import dev.tenantry.testinfra.TenantryInfrastructure;
import dev.tenantry.testinfra.TestKafka;
import dev.tenantry.testinfra.TestNames;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * tenantctl against a really running migration worker (its quarkus-app jar in a child JVM) on
 * real PostgreSQL and Kafka: JSON shapes and exit codes as scripts see them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantctlAgainstWorkerIT {

    private static final Map<String, String> DEVELOPMENT_KEY = Map.of(
            "TENANTRY_DEV_KEY",
            Path.of("..", "test-infrastructure", "src", "main", "resources", "tenantry-dev-keys", "private.pem")
                    .toString());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI SOURCE = URI.create("urn:tenantry:tenantctl-tests");
    private static final CloudEventCodec CODEC = new CloudEventCodec();

    private static Infrastructure infra;
    private static final Path WORKER_JAR =
            Path.of("..", "migration-worker", "target", "quarkus-app", "quarkus-run.jar");

    private static ServiceJvm worker;
    private static Map<String, String> env;

    @BeforeAll
    static void startWorker() throws IOException {
        infra = TenantryInfrastructure.get();
        // No background drift repair: the test decides when drift is fixed. One replay per dead letter.
        worker = ServiceJvm.startForTests(
                infra,
                "migration-worker",
                WORKER_JAR,
                Map.of(
                        "tenantry.worker.drift.verify-at-start", "false",
                        "tenantry.worker.drift.interval", "0s",
                        "tenantry.dead-letters.max-replays", "1"));
        worker.awaitReady(Duration.ofSeconds(120));
        // The worker runs in the dev profile, which trusts the development key: sign with that one,
        // whatever local stack key a checkout may hold.
        String token =
                CliRun.run(DEVELOPMENT_KEY, "token", "--role", "operator").out().strip();
        env = new HashMap<>();
        env.put("TENANTRY_WORKER_URL", worker.url());
        env.put("TENANTRY_TOKEN", token);
        // Nothing listens on the other two: health must say so.
        env.put("TENANTRY_PROVISIONING_URL", "http://127.0.0.1:" + closedPort());
        env.put("TENANTRY_DISPATCHER_URL", "http://127.0.0.1:" + closedPort());
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
            assertThat(worker.isAlive()).isFalse();
        }
    }

    @Test
    @Order(1)
    void verifyExitsZeroWithoutDriftOneWithATenantBehindAndFixRepairsIt() throws Exception {
        String current = migrate(null);
        await().atMost(Duration.ofSeconds(60)).until(() -> runsOf(current) > 0);

        CliRun clean = cli("migrations", "verify", "--json");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        JsonNode report = JSON.readTree(clean.out());
        assertThat(report.fieldNames())
                .toIterable()
                .contains(
                        "checkedAt",
                        "latest",
                        "totalTenants",
                        "upToDate",
                        "behind",
                        "ahead",
                        "failed",
                        "missingSchema",
                        "durationMs");
        assertThat(report.get("latest").asText()).isEqualTo("3");
        assertThat(report.get("totalTenants").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(report.get("upToDate").asInt())
                .isEqualTo(report.get("totalTenants").asInt());
        assertThat(report.get("behind")).isEmpty();

        String behind = migrate("2");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> cli("migrations", "verify", "--json").exitCode() == 1);
        CliRun drifted = cli("migrations", "verify", "--json");
        JsonNode entry = JSON.readTree(drifted.out()).get("behind").get(0);
        assertThat(entry.get("schema").asText()).isEqualTo("tenant_" + behind);
        assertThat(entry.get("current").asText()).isEqualTo("2");
        assertThat(entry.get("pending")).extracting(JsonNode::asText).containsExactly("3");

        CliRun human = cli("migrations", "verify");
        assertThat(human.exitCode()).isEqualTo(1);
        assertThat(human.out())
                .contains("1 behind")
                .contains("tenant_" + behind)
                .contains("tenantctl migrations fix");
        CliRun currentById = cli("migrations", "verify", "--tenant", tenantIdOf(current));
        assertThat(currentById.exitCode()).as(currentById.toString()).isZero();
        assertThat(currentById.out()).contains("no drift reported");
        assertThat(cli("migrations", "verify", "--tenant", behind).exitCode()).isEqualTo(1);
        // A name no service confirms is not "no drift": exit 1 and say why.
        CliRun unknown =
                cli("migrations", "verify", "--tenant", UUID.randomUUID().toString(), "--json");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err())
                .contains("not a tenant id the migration worker has migrated")
                .contains("provisioning-service is not reachable");
        CliRun slugUnconfirmed = cli("migrations", "verify", "--tenant", current);
        assertThat(slugUnconfirmed.exitCode()).as(slugUnconfirmed.toString()).isEqualTo(1);

        // Drift does not make the worker unready; health shows it as a note and exits 0.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            CliRun health = cli("health", "--service", "worker");
            assertThat(health.exitCode()).as(health.toString()).isZero();
            assertThat(health.out())
                    .contains("NOTES")
                    .contains("fleet drift: 1 behind, 0 ahead, 0 failed, 0 without schema");
        });

        CliRun fix = cli("migrations", "fix", "--json", "--poll-interval", "100ms");
        assertThat(fix.exitCode()).as(fix.toString()).isZero();
        JsonNode progress = JSON.readTree(fix.out());
        assertThat(progress.get("state").asText()).isEqualTo("finished");
        assertThat(progress.get("total").asInt()).isEqualTo(1);
        assertThat(progress.get("done").asInt()).isEqualTo(1);
        assertThat(progress.get("failed").asInt()).isZero();
        assertThat(fix.err()).contains("Fleet upgrade [").contains("1/1");

        CliRun repaired = cli("migrations", "verify", "--json");
        assertThat(repaired.exitCode()).as(repaired.toString()).isZero();
        assertThat(JSON.readTree(repaired.out()).get("behind")).isEmpty();

        CliRun nothing = cli("migrations", "fix");
        assertThat(nothing.exitCode()).isZero();
        assertThat(nothing.out()).contains("Nothing to fix");

        CliRun runs = cli("migrations", "runs", tenantIdOf(behind), "--json");
        assertThat(runs.exitCode()).isZero();
        assertThat(JSON.readTree(runs.out()))
                .extracting(r -> r.get("kind").asText())
                .containsExactly("UPGRADE", "NEW");
    }

    @Test
    @Order(2)
    void deadLettersAreListedShownAndReplayedUntilTheCapRefusesWithExitOne() throws Exception {
        String tenantId = UUID.randomUUID().toString();
        String slug = TestNames.unique("poisoned");
        // A rollback naming another tenant's schema is refused every time: it always dead-letters.
        send(EventEnvelope.create(SOURCE, new TenantRollbackRequested(tenantId, slug, "tenant_someone_else", "test")));

        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters(tenantId).size() == 1);
        CliRun listed = cli("dlq", "list", "--service", "worker", "--tenant", tenantId, "--json");
        assertThat(listed.exitCode()).isZero();
        JsonNode letter = JSON.readTree(listed.out()).get(0);
        assertThat(letter.get("service").asText()).isEqualTo("worker");
        assertThat(letter.get("consumerGroup").asText()).isEqualTo("migration-worker");
        assertThat(letter.get("originalTopic").asText()).isEqualTo(Topics.TENANT_MIGRATION_REQUESTS);
        assertThat(letter.get("reason").asText()).isNotBlank();
        assertThat(letter.get("replayCount").asInt()).isZero();

        CliRun shown =
                cli("dlq", "show", "--service", "worker", letter.get("id").asText(), "--json");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(JSON.readTree(shown.out()).get("eventId").asText())
                .isEqualTo(letter.get("eventId").asText());

        CliRun table = cli("dlq", "list", "--service", "worker", "--tenant", tenantId);
        assertThat(table.out()).contains("SERVICE").contains(letter.get("id").asText());

        CliRun dryRun = cli("dlq", "replay", "--service", "worker", "--tenant", tenantId, "--dry-run", "--json");
        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        JsonNode wouldReplay = JSON.readTree(dryRun.out());
        assertThat(wouldReplay.get("dryRun").asBoolean()).isTrue();
        assertThat(wouldReplay.get("replayed")).hasSize(1);
        assertThat(deadLetters(tenantId)).hasSize(1);

        CliRun replay = cli(
                "dlq",
                "replay",
                "--service",
                "worker",
                "--event-id",
                letter.get("eventId").asText());
        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("Replayed 1 dead letter(s)");
        // Still poisoned: it fails again and comes back with a replay count of 1.
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters(tenantId).size() == 2);

        CliRun capped = cli("dlq", "replay", "--service", "worker", "--tenant", tenantId, "--json");
        assertThat(capped.exitCode()).as(capped.toString()).isEqualTo(1);
        JsonNode refused = JSON.readTree(capped.out());
        assertThat(refused.get("replayed")).isEmpty();
        assertThat(refused.get("refused").get(0).get("reason").asText()).contains("cap is 1");
    }

    @Test
    @Order(3)
    void healthIsUpForTheWorkerAndAProblemWhenAServiceIsUnreachable() throws Exception {
        CliRun workerOnly = cli("health", "--service", "worker", "--json");
        assertThat(workerOnly.exitCode()).as(workerOnly.toString()).isZero();
        JsonNode health = JSON.readTree(workerOnly.out());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("services").get(0).get("checks")).isNotEmpty();

        CliRun all = cli("health", "--json");
        assertThat(all.exitCode()).isEqualTo(1);
        JsonNode services = JSON.readTree(all.out()).get("services");
        assertThat(services)
                .extracting(
                        s -> s.get("service").asText() + "=" + s.get("status").asText())
                .containsExactly("provisioning=UNREACHABLE", "worker=UP", "dispatcher=UNREACHABLE");
    }

    @Test
    @Order(4)
    void serviceErrorsArePrintedFromProblemJsonWithTheirExitCodes() {
        CliRun invalid = cli("migrations", "runs", "some-tenant", "--limit", "0");
        assertThat(invalid.exitCode()).as(invalid.toString()).isEqualTo(2);
        assertThat(invalid.err())
                .contains("migration-worker answered 400")
                .contains("limit: must be between 1 and 500");

        Map<String, String> noToken = new HashMap<>(env);
        noToken.remove("TENANTRY_TOKEN");
        CliRun unauthorized = CliRun.run(noToken, "migrations", "verify");
        assertThat(unauthorized.exitCode()).isEqualTo(1);
        assertThat(unauthorized.err()).contains("401 Unauthorized").contains("tenantctl token");

        String viewer =
                CliRun.run(DEVELOPMENT_KEY, "token", "--role", "viewer").out().strip();
        CliRun forbidden = CliRun.run(env, "--token", viewer, "dlq", "list", "--service", "worker");
        assertThat(forbidden.exitCode()).isEqualTo(1);
        assertThat(forbidden.err()).contains("403 Forbidden");
    }

    @Test
    @Order(5)
    void thePackagedJarRunsAsAScriptWould() throws Exception {
        Path jar = Path.of(System.getProperty("tenantctl.jar", "target/tenantctl.jar"));
        assertThat(jar).exists();
        ProcessResult health = java(jar, "health", "--service", "worker", "--json", "--worker-url", worker.url());
        assertThat(health.exitCode()).as(health.output()).isZero();
        assertThat(JSON.readTree(health.output()).get("status").asText()).isEqualTo("UP");

        ProcessResult usage = java(jar, "migrations", "verify", "--bogus");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.output()).contains("Unknown option: '--bogus'");

        ProcessResult launcher = run(List.of("sh", Path.of("bin", "tenantctl").toString(), "--version"));
        assertThat(launcher.exitCode()).as(launcher.output()).isZero();
        assertThat(launcher.output()).startsWith("tenantctl ");
    }

    @Test
    @Order(6)
    void theLauncherUsesTheUrlsOfTheRunningLocalStack(@TempDir Path home) throws Exception {
        // What ./tenantry up writes once everything is ready; this JVM stands in for the stack process.
        Files.writeString(
                home.resolve("stack.json"),
                JSON.createObjectNode()
                        .put("pid", ProcessHandle.current().pid())
                        .set("urls", JSON.createObjectNode().put("worker", worker.url()))
                        .toString());
        ProcessBuilder builder = new ProcessBuilder(
                        "sh", Path.of("bin", "tenantctl").toString(), "health", "--service", "worker", "--json")
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("TENANTRY_"));
        builder.environment().put("TENANTRY_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        JsonNode health = JSON.readTree(output);
        assertThat(health.get("services").get(0).get("url").asText()).isEqualTo(worker.url());
        assertThat(health.get("status").asText()).isEqualTo("UP");
    }

    // ---------------------------------------------------------------------------------------

    private static CliRun cli(String... args) {
        return CliRun.run(env, args);
    }

    private static final Map<String, String> TENANT_IDS = new HashMap<>();

    /** Sends a new-tenant request to the worker; returns the slug. */
    @Test
    @Order(7)
    void aRolloutIsPlannedStartedStoppedAtItsGateResumedAndWatchedFromTheCommandLine() throws Exception {
        String first = migrate("2");
        String second = migrate("2");
        await().atMost(Duration.ofSeconds(60)).until(() -> runsOf(first) > 0 && runsOf(second) > 0);
        String[] plan = {"--tenant", first, "--tenant", second, "--stage", "canary:size=1,gate", "--stage", "rest"};

        CliRun dryRun = cli(concat(new String[] {"rollouts", "create", "--dry-run", "--json"}, plan));
        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        JsonNode planned = JSON.readTree(dryRun.out());
        assertThat(planned.get("stages").get(0).get("tenants")).hasSize(1);
        assertThat(planned.get("stages").get(1).get("tenants")).hasSize(1);
        CliRun humanPlan = cli(concat(new String[] {"rollouts", "create", "--dry-run"}, plan));
        assertThat(humanPlan.out())
                .contains("Plan to version 3")
                .contains("canary")
                .contains("rest");

        // --wait follows the rollout until it stops running: here at the canary's gate.
        CliRun started =
                cli(concat(new String[] {"rollouts", "create", "--wait", "--json", "--poll-interval", "200ms"}, plan));
        assertThat(started.exitCode()).as(started.toString()).isZero();
        JsonNode atGate = JSON.readTree(started.out());
        String id = atGate.get("id").asText();
        assertThat(atGate.get("state").asText()).isEqualTo("paused");
        assertThat(atGate.get("reason").asText()).contains("stage 'canary' completed");
        assertThat(started.err()).contains("canary").contains("1/1");

        CliRun resumed = cli("rollouts", "resume", id);
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        CliRun watched = cli("rollouts", "show", id, "--watch", "--json", "--poll-interval", "200ms");
        assertThat(watched.exitCode()).as(watched.toString()).isZero();
        JsonNode done = JSON.readTree(watched.out());
        assertThat(done.get("state").asText()).isEqualTo("completed");
        assertThat(done.get("tenants").get("done").asInt()).isEqualTo(2);

        CliRun list = cli("rollouts", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(id).contains("completed");
        CliRun abortFinished = cli("rollouts", "abort", id);
        assertThat(abortFinished.exitCode()).as(abortFinished.toString()).isNotZero();
        assertThat(abortFinished.err()).contains("409").contains("is completed");
        CliRun badStage = cli("rollouts", "create", "--stage", "canary:bogus=1");
        assertThat(badStage.exitCode()).isEqualTo(2);
        assertThat(badStage.err()).contains("Unknown stage setting 'bogus'");
        // Plans and metadata are the provisioning service's, and this test runs the worker alone.
        CliRun byPlan = cli("rollouts", "create", "--plan", "enterprise", "--metadata", "region=eu", "--dry-run");
        assertThat(byPlan.exitCode()).as(byPlan.toString()).isNotZero();
        assertThat(byPlan.err()).contains("409").contains("tenant registry");
    }

    private static String[] concat(String[] head, String[] tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static String migrate(String targetVersion) {
        String slug = TestNames.unique("ctl");
        String tenantId = UUID.randomUUID().toString();
        TENANT_IDS.put(slug, tenantId);
        send(EventEnvelope.create(SOURCE, new TenantRequested(tenantId, slug, "tenant_" + slug, targetVersion)));
        return slug;
    }

    private static String tenantIdOf(String slug) {
        return TENANT_IDS.get(slug);
    }

    private static int runsOf(String slug) throws Exception {
        CliRun runs = cli("migrations", "runs", tenantIdOf(slug), "--json");
        return runs.exitCode() == 0 ? JSON.readTree(runs.out()).size() : 0;
    }

    private static void send(EventEnvelope<?> event) {
        try (TestKafka kafka = new TestKafka(infra.kafkaBootstrapServers())) {
            kafka.producer()
                    .send(CODEC.toRecord(Topics.TENANT_MIGRATION_REQUESTS, event))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + event.type(), e);
        }
    }

    private static List<JsonNode> deadLetters(String tenantId) throws IOException {
        CliRun run = cli("dlq", "list", "--service", "worker", "--tenant", tenantId, "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> letters = new ArrayList<>();
        JSON.readTree(run.out()).forEach(letters::add);
        return letters;
    }

    record ProcessResult(int exitCode, String output) {}

    private ProcessResult java(Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private static ProcessResult run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TENANTRY_TOKEN", env.get("TENANTRY_TOKEN"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProcessResult(process.exitValue(), output);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
