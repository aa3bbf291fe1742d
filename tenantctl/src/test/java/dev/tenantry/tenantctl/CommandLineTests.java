package dev.tenantry.tenantctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTests {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.run(NO_ENV);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command").contains("Usage: tenantctl");
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        assertThat(CliRun.run(NO_ENV, "tenants", "frobnicate").exitCode()).isEqualTo(2);
        assertThat(CliRun.run(NO_ENV, "migrations", "verify", "--no-such-flag").exitCode())
                .isEqualTo(2);
        assertThat(CliRun.run(NO_ENV, "tenants").exitCode()).isEqualTo(2);
    }

    @Test
    void replayNeedsExactlyOneSelector() {
        CliRun none = CliRun.run(NO_ENV, "dlq", "replay", "--service", "worker");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--event-id").contains("--all");

        CliRun two = CliRun.run(NO_ENV, "dlq", "replay", "--service", "worker", "--all", "--tenant", "t1");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("mutually exclusive");
    }

    @Test
    void anUnknownServiceOrAMalformedTimeIsAUsageError() {
        CliRun service = CliRun.run(NO_ENV, "dlq", "list", "--service", "billing");
        assertThat(service.exitCode()).isEqualTo(2);
        assertThat(service.err()).contains("billing").contains("provisioning, worker, dispatcher");

        CliRun since = CliRun.run(NO_ENV, "dlq", "list", "--since", "yesterday-ish");
        assertThat(since.exitCode()).isEqualTo(2);
        assertThat(since.err()).contains("30m, 2h or 7d");

        CliRun badId = CliRun.run(NO_ENV, "dlq", "show", "--service", "worker", "not-an-id");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("<dlq topic>/<partition>/<offset>");
    }

    @Test
    void serviceUrlsComeFromFlagsBeforeEnvironmentBeforeDefaults() throws IOException {
        int closedPort = closedPort();
        Map<String, String> env = Map.of("TENANTRY_WORKER_URL", "http://127.0.0.1:" + closedPort);

        CliRun fromEnv = CliRun.run(env, "health", "--json", "--service", "worker");
        assertThat(fromEnv.exitCode()).isEqualTo(1);
        assertThat(fromEnv.out())
                .contains("\"url\" : \"http://127.0.0.1:" + closedPort + "\"")
                .contains("\"status\" : \"UNREACHABLE\"");

        // Global options work after the subcommand too.
        CliRun fromFlag = CliRun.run(
                env, "health", "--service", "worker", "--json", "--worker-url", "http://127.0.0.1:" + (closedPort + 1));
        assertThat(fromFlag.out()).contains("http://127.0.0.1:" + (closedPort + 1));

        CliRun defaults = CliRun.run(
                NO_ENV,
                "--provisioning-url",
                "http://127.0.0.1:" + closedPort,
                "health",
                "--json",
                "--service",
                "provisioning",
                "--service",
                "dispatcher");
        assertThat(defaults.out()).contains("http://127.0.0.1:" + closedPort).contains("http://localhost:8083");
    }

    @Test
    void aRunningLocalStacksUrlsComeAfterTheEnvironmentAndAStaleStackIsIgnored(@TempDir Path dir) throws Exception {
        int stackPort = closedPort();
        Path stack = dir.resolve("stack.json");
        Files.writeString(
                stack,
                "{\"pid\":" + ProcessHandle.current().pid() + ",\"urls\":{\"worker\":" + "\"http://127.0.0.1:"
                        + stackPort + "\"}}");

        CliRun fromStack = CliRun.run(
                Map.of("TENANTRY_STACK_FILE", stack.toString()),
                "health",
                "--json",
                "--service",
                "worker",
                "--service",
                "dispatcher");
        assertThat(fromStack.out()).contains("http://127.0.0.1:" + stackPort).contains("http://localhost:8083");

        CliRun envFirst = CliRun.run(
                Map.of(
                        "TENANTRY_STACK_FILE",
                        stack.toString(),
                        "TENANTRY_WORKER_URL",
                        "http://127.0.0.1:" + (stackPort + 1)),
                "health",
                "--json",
                "--service",
                "worker");
        assertThat(envFirst.out())
                .contains("http://127.0.0.1:" + (stackPort + 1))
                .doesNotContain(":" + stackPort + "\"");

        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(
                stack, "{\"pid\":" + gone.pid() + ",\"urls\":{\"worker\":\"http://127.0.0.1:" + stackPort + "\"}}");
        CliRun stale =
                CliRun.run(Map.of("TENANTRY_STACK_FILE", stack.toString()), "health", "--json", "--service", "worker");
        assertThat(stale.out()).contains("http://localhost:8082").doesNotContain(":" + stackPort);
    }

    @Test
    void anUnreachableServiceIsAProblemWithAReadableMessage() throws IOException {
        CliRun run =
                CliRun.run(Map.of("TENANTRY_PROVISIONING_URL", "http://127.0.0.1:" + closedPort()), "tenants", "list");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("Error: provisioning-service is not reachable at http://127.0.0.1:")
                .contains("TENANTRY_PROVISIONING_URL");
    }

    @Test
    void helpAndVersionExitZero() {
        CliRun help = CliRun.run(NO_ENV, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("tenants")
                .contains("migrations")
                .contains("dlq")
                .contains("webhooks")
                .contains("health")
                .contains("token")
                .contains("Exit codes");
        assertThat(CliRun.run(NO_ENV, "dlq", "replay", "--help").out())
                .contains("--dry-run")
                .contains("--max");
        assertThat(CliRun.run(NO_ENV, "--version").exitCode()).isZero();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
