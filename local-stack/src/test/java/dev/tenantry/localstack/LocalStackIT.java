package dev.tenantry.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.tenantctl.Tenantctl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one-command local stack as a user runs it: started as its own process, ready, a demo
 * tenant provisioned through the REST API (with tenantctl) and its webhooks received with valid
 * signatures; deleted and restored by the runbook's procedure (its SQL read from
 * {@code docs/runbook.md}) with its data; stopped with {@code ./tenantry down}; started again on
 * the kept data (the registry is still there, Kafka restarts on its formatted folder) and stopped
 * again, leaving no process behind and every port free.
 */
class LocalStackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path HOME = Path.of("target", "it-stack").toAbsolutePath();

    private final Path console = Path.of("target", "it-stack-console.log").toAbsolutePath();
    private Process stack;
    /** Kafka (its controller on the next port), PostgreSQL, receiver, provisioning, worker, dispatcher. */
    private List<Integer> ports;
    private String dbUser;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (stack != null && stack.isAlive()) {
            List<ProcessHandle> children = stack.descendants().toList();
            stack.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void upProvisionsADemoTenantWhoseWebhooksArriveSignedDownLeavesNoProcessBehindAndUpAgainKeepsTheData()
            throws Exception {
        ports = List.of(freePortPair(), freePort(), freePort(), freePort(), freePort(), freePort());
        Files.deleteIfExists(console);
        JsonNode urls = up("--fresh");
        assertThat(Files.readString(console)).contains("Tenantry is up").contains("./tenantry ctl tenants create demo_");

        String token = Files.readString(HOME.resolve("token")).strip();
        Map<String, String> env = Map.of("TENANTRY_TOKEN", token,
                "TENANTRY_PROVISIONING_URL", urls.get("provisioning").asText(),
                "TENANTRY_WORKER_URL", urls.get("worker").asText(),
                "TENANTRY_DISPATCHER_URL", urls.get("dispatcher").asText());

        Run health = tenantctl(env, "health", "--json");
        assertThat(health.exitCode()).as(health.toString()).isZero();
        servicesTrustTheStacksOwnKeyOnly(urls);

        Run created = tenantctl(env, "tenants", "create", "demo_it", "--display-name", "Demo Ltd", "--wait", "--json");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        JsonNode tenant = JSON.readTree(created.out());
        assertThat(tenant.get("status").asText()).isEqualTo("ACTIVE");
        String tenantId = tenant.get("id").asText();

        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(env, tenantId) >= 2);
        Path received = HOME.resolve("logs").resolve("receiver.jsonl");
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(received)) {
            JsonNode event = JSON.readTree(line);
            if (tenantId.equals(event.path("event").path("subject").asText())
                    || tenantId.equals(event.path("event").path("data").path("tenantId").asText())) {
                events.add(event);
            }
        }
        assertThat(events).extracting(e -> e.path("event").path("type").asText())
                .anyMatch(type -> type.contains("activated"));
        assertThat(events).allSatisfy(e -> assertThat(e.get("signature").asText()).isEqualTo("signature valid"));
        assertThat(Files.readString(console)).contains("[receiver]").contains("signature valid");

        // The rest of tenantctl's tenant and webhook commands against the real services.
        JsonNode endpoints = JSON.readTree(tenantctl(env, "webhooks", "endpoints", "--all", "--json").out())
                .get("items");
        String endpointId = endpoints.get(0).get("id").asText();
        assertThat(endpoints.get(0).get("url").asText()).isEqualTo(urls.get("receiver").asText());
        assertThat(tenantctl(env, "webhooks", "ping", endpointId).exitCode()).isZero();
        assertThat(tenantctl(env, "webhooks", "enable", endpointId).exitCode()).isZero();
        Run recover = tenantctl(env, "webhooks", "recover", "--endpoint", endpointId, "--since", "1h", "--json");
        assertThat(recover.exitCode()).as(recover.toString()).isZero();
        assertThat(JSON.readTree(recover.out()).get("requeued").asInt()).isZero();
        JsonNode timeline = JSON.readTree(tenantctl(env, "tenants", "timeline", "demo_it", "--json").out());
        assertThat(timeline.get("entries").size()).isGreaterThanOrEqualTo(3);
        assertThat(tenantctl(env, "tenants", "list", "--status", "ACTIVE", "--all").out()).contains("demo_it");
        Run upgraded = tenantctl(env, "tenants", "upgrade", "demo_it", "--wait");
        assertThat(upgraded.exitCode()).as(upgraded.toString()).isZero();
        JsonNode state = JSON.readTree(HOME.resolve("stack.json").toFile());
        String jdbcUrl = state.get("jdbcUrl").asText();
        dbUser = state.get("dbUser").asText();
        sql(jdbcUrl, "INSERT INTO tenant_demo_it.customers (code, name) VALUES ('kept', 'Kept Ltd')");
        Run deleted = tenantctl(env, "tenants", "delete", "demo_it", "--wait", "--json");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(JSON.readTree(deleted.out()).get("status").asText()).isEqualTo("DELETED");

        // The runbook's restore of a deleted tenant's schema, with the SQL taken from the runbook.
        List<String> restore = runbookSql("## Restoring a deleted tenant's schema within retention");
        assertThat(restore).hasSize(2);
        List<String> archived = sqlColumn(jdbcUrl, restore.get(0).replace("<slug>", "demo_it"));
        assertThat(archived).hasSize(1);
        assertThat(archived.get(0)).startsWith("deleted_demo_it_");
        Run gone = tenantctl(env, "tenants", "get", "demo_it", "--json");
        assertThat(JSON.readTree(gone.out()).get("status").asText()).isEqualTo("DELETED");
        sql(jdbcUrl, restore.get(1).replace("<slug>", "demo_it")
                .replace("<epoch>", archived.get(0).substring("deleted_demo_it_".length())));
        Run restored = tenantctl(env, "tenants", "create", "demo_it", "--display-name", "Demo Ltd", "--wait", "--json");
        assertThat(restored.exitCode()).as(restored.toString()).isZero();
        assertThat(JSON.readTree(restored.out()).get("status").asText()).isEqualTo("ACTIVE");
        String restoredId = JSON.readTree(restored.out()).get("id").asText();
        assertThat(restoredId).isNotEqualTo(tenantId);
        Run verified = tenantctl(env, "migrations", "verify", "--tenant", "demo_it");
        assertThat(verified.exitCode()).as(verified.toString()).isZero();
        assertThat(sqlColumn(jdbcUrl, "SELECT name FROM tenant_demo_it.customers WHERE code = 'kept'"))
                .containsExactly("Kept Ltd");
        Run duplicate = tenantctl(env, "tenants", "create", "Not A Slug");
        assertThat(duplicate.exitCode()).as(duplicate.toString()).isEqualTo(2);
        assertThat(duplicate.err()).contains("provisioning-service answered 400");

        Run status = script("status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("\"pid\" : " + stack.pid());
        down();
        assertThat(HOME.resolve("data").resolve("postgres").resolve("PG_VERSION")).exists();
        assertThat(HOME.resolve("data").resolve("kafka").resolve("meta.properties")).exists();

        // Up again on the kept data: PostgreSQL has the registry, Kafka starts on its formatted folder.
        JsonNode again = up();
        Map<String, String> envAgain = Map.of("TENANTRY_TOKEN", Files.readString(HOME.resolve("token")).strip(),
                "TENANTRY_PROVISIONING_URL", again.get("provisioning").asText(),
                "TENANTRY_WORKER_URL", again.get("worker").asText(),
                "TENANTRY_DISPATCHER_URL", again.get("dispatcher").asText());
        Run healthAgain = tenantctl(envAgain, "health", "--json");
        assertThat(healthAgain.exitCode()).as(healthAgain.toString()).isZero();
        Run kept = tenantctl(envAgain, "tenants", "get", "demo_it", "--json");
        assertThat(kept.exitCode()).as(kept.toString()).isZero();
        assertThat(JSON.readTree(kept.out()).get("id").asText()).isEqualTo(restoredId);
        assertThat(JSON.readTree(kept.out()).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(Files.readString(HOME.resolve("logs").resolve("kafka.log")))
                .contains("log directories already formatted");
        Run second = tenantctl(envAgain, "tenants", "create", "demo_it2", "--display-name", "Demo 2", "--wait", "--json");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(JSON.readTree(second.out()).get("status").asText()).isEqualTo("ACTIVE");
        down();

        // Nothing of the stack is left: no process names its folder, and every port it used is free.
        assertThat(ProcessHandle.allProcesses().filter(p -> commandLine(p).contains(HOME.toString()))
                .map(p -> p.pid() + " " + commandLine(p)).toList()).isEmpty();
        for (int port : ports) {
            assertThat(isFree(port)).as("port %d is free after down", port).isTrue();
        }
        assertThat(isFree(ports.get(0) + 1)).as("Kafka controller port is free after down").isTrue();
    }

    /**
     * The stack generated a key pair of its own and its services verify tokens with it: a token
     * tenantctl signs by default (it finds the stack's key) is accepted, one signed with the
     * repository's development key is not.
     */
    private void servicesTrustTheStacksOwnKeyOnly(JsonNode urls) {
        assertThat(HOME.resolve("jwt").resolve("private.pem")).isRegularFile();
        assertThat(HOME.resolve("jwt").resolve("public.pem")).isRegularFile();
        Map<String, String> stackEnv = Map.of("TENANTRY_HOME", HOME.toString());
        Run ownToken = tenantctl(stackEnv, "token");
        assertThat(ownToken.exitCode()).as(ownToken.toString()).isZero();
        Path developmentKey = REPO.resolve("test-infrastructure/src/main/resources/tenantry-dev-keys/private.pem");
        Run developmentToken = tenantctl(Map.of(), "token", "--dev-key", developmentKey.toString());
        assertThat(developmentToken.exitCode()).as(developmentToken.toString()).isZero();
        for (String service : List.of("provisioning", "worker", "dispatcher")) {
            String url = urls.get(service).asText();
            Map<String, String> own = Map.of("TENANTRY_TOKEN", ownToken.out().strip(),
                    "TENANTRY_" + service.toUpperCase(java.util.Locale.ROOT) + "_URL", url);
            Map<String, String> development = Map.of("TENANTRY_TOKEN", developmentToken.out().strip(),
                    "TENANTRY_" + service.toUpperCase(java.util.Locale.ROOT) + "_URL", url);
            String[] listing = switch (service) {
                case "provisioning" -> new String[] {"tenants", "list"};
                case "worker" -> new String[] {"migrations", "verify"};
                default -> new String[] {"webhooks", "endpoints"};
            };
            Run accepted = tenantctl(own, listing);
            assertThat(accepted.err()).as(service + " with the stack's token: " + accepted).doesNotContain("401");
            Run refused = tenantctl(development, listing);
            assertThat(refused.exitCode()).as(service + " with a development-key token: " + refused).isNotZero();
            assertThat(refused.err()).contains("401");
        }
    }

    /** Starts {@code ./tenantry up} as a user would and waits until it is ready; returns its URLs. */
    private JsonNode up(String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("local-stack.jar", "target/local-stack.jar"), "--home", HOME.toString(), "up",
                "--repo", REPO.toString(), "--kafka-port", Integer.toString(ports.get(0)),
                "--postgres-port", Integer.toString(ports.get(1)), "--receiver-port", Integer.toString(ports.get(2)),
                "--provisioning-port", Integer.toString(ports.get(3)), "--worker-port", Integer.toString(ports.get(4)),
                "--dispatcher-port", Integer.toString(ports.get(5))));
        command.addAll(List.of(extra));
        stack = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile())).start();
        Path state = HOME.resolve("stack.json");
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(state) || !stack.isAlive());
        assertThat(stack.isAlive()).as(Files.readString(console)).isTrue();
        return JSON.readTree(state.toFile()).get("urls");
    }

    /** {@code ./tenantry down}: the stack and every process it started end. */
    private void down() throws Exception {
        List<ProcessHandle> started = stack.descendants().toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(4);
        Run down = script("down");
        assertThat(down.exitCode()).as(down.toString()).isZero();
        assertThat(stack.waitFor(60, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(started).noneMatch(ProcessHandle::isAlive));
        assertThat(Files.readString(console)).contains("Local stack stopped.");
        assertThat(HOME.resolve("stack.pid")).doesNotExist();
        assertThat(HOME.resolve("stack.json")).doesNotExist();
    }

    /** The SQL code blocks of a runbook section, in order. */
    private static List<String> runbookSql(String heading) throws IOException {
        String runbook = Files.readString(REPO.resolve("docs").resolve("runbook.md"));
        int start = runbook.indexOf(heading);
        assertThat(start).as("runbook section %s", heading).isNotNegative();
        int end = runbook.indexOf("\n## ", start + heading.length());
        String section = runbook.substring(start, end < 0 ? runbook.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher block = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (block.find()) {
            blocks.add(block.group(1).lines().map(String::strip).collect(Collectors.joining("\n")).strip());
        }
        return blocks;
    }

    private void sql(String jdbcUrl, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, "local");
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private List<String> sqlColumn(String jdbcUrl, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, "local");
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return process.info().commandLine().orElse("");
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------

    record Run(int exitCode, String out, String err) {
    }

    private static Run tenantctl(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Tenantctl.execute(args, env, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static int delivered(Map<String, String> env, String tenantId) throws IOException {
        Run run = tenantctl(env, "webhooks", "deliveries", "--tenant", tenantId, "--status", "delivered", "--json");
        return run.exitCode() == 0 ? JSON.readTree(run.out()).path("items").size() : 0;
    }

    /** The stack's own script, as a user calls it from the repository root. */
    private static Run script(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", REPO.resolve("tenantry").toString(), command)
                .directory(REPO.toFile()).redirectErrorStream(true);
        builder.environment().put("TENANTRY_HOME", HOME.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output, "");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** A free port whose successor is free too (Kafka's controller listens there). */
    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int port = freePort();
            if (port < 65535) {
                try (ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getByName("127.0.0.1"))) {
                    return port;
                } catch (IOException e) {
                    // Taken: try another.
                }
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
