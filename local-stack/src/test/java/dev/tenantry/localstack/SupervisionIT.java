package dev.tenantry.localstack;

import static dev.tenantry.localstack.StackProcesses.commandLine;
import static dev.tenantry.localstack.StackProcesses.isFree;
import static dev.tenantry.localstack.StackProcesses.script;
import static dev.tenantry.localstack.StackProcesses.tenantctl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.localstack.StackProcesses.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stack supervises what it runs, with the real PostgreSQL and Kafka it starts: a service
 * killed with SIGKILL comes back ready while the stack stays up, a killed broker is restarted and
 * tenants are provisioned through it afterwards, {@code ./tenantry stop} keeps a component down
 * (the supervisor leaves it alone) until {@code ./tenantry restart}, PostgreSQL restarts in place
 * on request and after being killed,
 * and {@code ./tenantry down} still leaves no process and every port free. Every wait is on a
 * condition seen in {@code ./tenantry status --json}, never on time.
 */
class SupervisionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of("target", "it-supervision").toAbsolutePath();
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final List<String> COMPONENTS =
            List.of("postgres", "kafka", "migration-worker", "provisioning-service", "webhook-dispatcher");

    private final Path console = Path.of("target", "it-supervision-console.log").toAbsolutePath();
    private Process stack;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        StackProcesses.kill(stack);
    }

    @Test
    void crashedPartsComeBackStoppedPartsStayDownAndDownLeavesNothingBehind() throws Exception {
        List<Integer> ports = StackProcesses.stackPorts();
        Files.deleteIfExists(console);
        stack = StackProcesses.up(HOME, ports, console, "--fresh");
        Path stateFile = HOME.resolve("stack.json");
        await().atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(stateFile) || !stack.isAlive());
        assertThat(stack.isAlive()).as(Files.readString(console)).isTrue();
        int controlPort = JSON.readTree(stateFile.toFile()).get("controlPort").asInt();
        assertThat(HOME.resolve("control-token")).isRegularFile();
        awaitAllRunning();

        Run table = script(HOME, "status");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("COMPONENT", "STATE", "PID", "PORT", "READY", "RESTARTS");
        for (String component : COMPONENTS) {
            assertThat(table.out()).containsPattern("(?m)^" + component + "\\s+running\\s+\\d+\\s+\\d+\\s+yes\\s+0$");
        }

        // Stopped on request: down, and left down by the supervisor while it restarts another part.
        Run stopped = script(HOME, "stop", "migration-worker");
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        JsonNode worker = component(status(), "migration-worker");
        assertThat(worker.get("state").asText()).isEqualTo("stopped");
        assertThat(worker.get("pid").isNull()).isTrue();

        // A service killed outright comes back; the stack stays up.
        long provisioningPid =
                component(status(), "provisioning-service").get("pid").asLong();
        ProcessHandle.of(provisioningPid).orElseThrow().destroyForcibly();
        JsonNode provisioning = awaitComponent(
                "provisioning-service",
                c -> running(c)
                        && c.get("restarts").asInt() >= 1
                        && c.get("pid").asLong() != provisioningPid);
        assertThat(provisioning.get("restarts").asInt()).isEqualTo(1);
        assertThat(stack.isAlive()).isTrue();
        assertThat(Files.readString(console))
                .contains("[supervisor] provisioning-service (pid " + provisioningPid
                        + ") exited with status 137; restarting in")
                .contains("[supervisor] provisioning-service restarted after a crash")
                .doesNotContain("Stopping the local stack");
        JsonNode stillStopped = component(status(), "migration-worker");
        assertThat(stillStopped.get("state").asText()).isEqualTo("stopped");
        assertThat(stillStopped.get("restarts").asInt()).isZero();

        Run restarted = script(HOME, "restart", "migration-worker");
        assertThat(restarted.exitCode()).as(restarted.toString()).isZero();
        awaitComponent("migration-worker", c -> running(c) && c.get("restarts").asInt() == 1);

        // PostgreSQL restarted on request, through the embedded server like at the stack's start.
        long postgresPid = component(status(), "postgres").get("pid").asLong();
        Run postgresRestart = script(HOME, "restart", "postgres");
        assertThat(postgresRestart.exitCode()).as(postgresRestart.toString()).isZero();
        awaitComponent("postgres", c -> running(c) && c.get("pid").asLong() != postgresPid);

        // PostgreSQL killed outright: its postmaster is not the stack's child and may stay a zombie
        // holding postmaster.pid; it still comes back on the same data.
        long killedPostgresPid = component(status(), "postgres").get("pid").asLong();
        ProcessHandle.of(killedPostgresPid).orElseThrow().destroyForcibly();
        awaitComponent(
                "postgres",
                c -> running(c)
                        && c.get("restarts").asInt() >= 2
                        && c.get("pid").asLong() != killedPostgresPid);
        assertThat(Files.readString(console)).contains("[supervisor] postgres (pid " + killedPostgresPid + ") exited");

        // The broker killed outright is restarted, and a tenant is provisioned through it afterwards.
        long kafkaPid = component(status(), "kafka").get("pid").asLong();
        ProcessHandle.of(kafkaPid).orElseThrow().destroyForcibly();
        awaitComponent(
                "kafka",
                c -> running(c)
                        && c.get("restarts").asInt() >= 1
                        && c.get("pid").asLong() != kafkaPid);
        assertThat(Files.readString(console)).contains("[supervisor] kafka (pid " + kafkaPid + ") exited");
        awaitAllRunning();
        JsonNode urls = JSON.readTree(stateFile.toFile()).get("urls");
        Map<String, String> env = Map.of(
                "TENANTRY_TOKEN",
                Files.readString(HOME.resolve("token")).strip(),
                "TENANTRY_PROVISIONING_URL",
                urls.get("provisioning").asText(),
                "TENANTRY_WORKER_URL",
                urls.get("worker").asText(),
                "TENANTRY_DISPATCHER_URL",
                urls.get("dispatcher").asText());
        Run created =
                tenantctl(env, "tenants", "create", "after_crash", "--display-name", "After Crash", "--wait", "--json");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(JSON.readTree(created.out()).get("status").asText()).isEqualTo("ACTIVE");

        Run unknown = script(HOME, "restart", "no-such-part");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.out()).contains("no component no-such-part");

        // Down: the stack and everything it ever started (restarted processes included) end.
        List<ProcessHandle> started = stack.descendants().toList();
        Run down = script(HOME, "down");
        assertThat(down.exitCode()).as(down.toString()).isZero();
        assertThat(stack.waitFor(120, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(started).noneMatch(ProcessHandle::isAlive));
        assertThat(HOME.resolve("control-token")).doesNotExist();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ProcessHandle.allProcesses()
                                .filter(p -> commandLine(p).contains(HOME.toString()))
                                .map(p -> p.pid() + " " + commandLine(p))
                                .toList())
                        .isEmpty());
        List<Integer> used = new ArrayList<>(ports);
        used.add(ports.get(0) + 1);
        used.add(controlPort);
        for (int port : used) {
            assertThat(isFree(port)).as("port %d is free after down", port).isTrue();
        }
    }

    private static boolean running(JsonNode component) {
        return component.get("state").asText().equals("running")
                && component.get("ready").asBoolean()
                && component.get("pid").canConvertToLong();
    }

    private void awaitAllRunning() {
        await().atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode components = status();
                    for (String name : COMPONENTS) {
                        assertThat(running(component(components, name)))
                                .as(name + " in " + components)
                                .isTrue();
                    }
                });
    }

    private JsonNode awaitComponent(String name, Predicate<JsonNode> condition) {
        assertThat(stack.isAlive()).isTrue();
        return await().atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(() -> component(status(), name), condition);
    }

    /** Every component's status, from the running stack through ./tenantry status --json. */
    private static JsonNode status() throws Exception {
        Run run = script(HOME, "status", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return JSON.readTree(run.out()).get("components");
    }

    private static JsonNode component(JsonNode components, String name) {
        for (JsonNode c : components) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + components);
    }
}
