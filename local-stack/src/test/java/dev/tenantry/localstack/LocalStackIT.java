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
import java.io.IOException;
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
    private static final Path REPO = StackProcesses.REPO;
    private static final Path HOME = Path.of("target", "it-stack").toAbsolutePath();

    private final Path console = Path.of("target", "it-stack-console.log").toAbsolutePath();
    private Process stack;
    /** Kafka (its controller on the next port), PostgreSQL, receiver, provisioning, worker, dispatcher. */
    private List<Integer> ports;

    private String dbUser;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        StackProcesses.kill(stack);
    }

    @Test
    void upProvisionsADemoTenantWhoseWebhooksArriveSignedDownLeavesNoProcessBehindAndUpAgainKeepsTheData()
            throws Exception {
        ports = StackProcesses.stackPorts();
        Files.deleteIfExists(console);
        JsonNode urls = up("--fresh");
        assertThat(Files.readString(console))
                .contains("Tenantry is up")
                .contains("./tenantry ctl tenants create demo_");

        String token = Files.readString(HOME.resolve("token")).strip();
        Map<String, String> env = Map.of(
                "TENANTRY_TOKEN",
                token,
                "TENANTRY_PROVISIONING_URL",
                urls.get("provisioning").asText(),
                "TENANTRY_WORKER_URL",
                urls.get("worker").asText(),
                "TENANTRY_DISPATCHER_URL",
                urls.get("dispatcher").asText());

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
                    || tenantId.equals(
                            event.path("event").path("data").path("tenantId").asText())) {
                events.add(event);
            }
        }
        assertThat(events)
                .extracting(e -> e.path("event").path("type").asText())
                .anyMatch(type -> type.contains("activated"));
        assertThat(events)
                .allSatisfy(e -> assertThat(e.get("signature").asText()).isEqualTo("signature valid"));
        assertThat(Files.readString(console)).contains("[receiver]").contains("signature valid");

        // The rest of tenantctl's tenant and webhook commands against the real services.
        JsonNode endpoints = JSON.readTree(tenantctl(env, "webhooks", "endpoints", "--all", "--json")
                        .out())
                .get("items");
        String endpointId = endpoints.get(0).get("id").asText();
        assertThat(endpoints.get(0).get("url").asText())
                .isEqualTo(urls.get("receiver").asText());
        assertThat(tenantctl(env, "webhooks", "ping", endpointId).exitCode()).isZero();
        assertThat(tenantctl(env, "webhooks", "enable", endpointId).exitCode()).isZero();
        Run recover = tenantctl(env, "webhooks", "recover", "--endpoint", endpointId, "--since", "1h", "--json");
        assertThat(recover.exitCode()).as(recover.toString()).isZero();
        assertThat(JSON.readTree(recover.out()).get("requeued").asInt()).isZero();
        JsonNode timeline = JSON.readTree(
                tenantctl(env, "tenants", "timeline", "demo_it", "--json").out());
        assertThat(timeline.get("entries").size()).isGreaterThanOrEqualTo(3);
        assertThat(tenantctl(env, "tenants", "list", "--status", "ACTIVE", "--all")
                        .out())
                .contains("demo_it");
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
        sql(
                jdbcUrl,
                restore.get(1)
                        .replace("<slug>", "demo_it")
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

        Run status = script(HOME, "status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("\"pid\" : " + stack.pid());
        down();
        assertThat(HOME.resolve("data").resolve("postgres").resolve("PG_VERSION"))
                .exists();
        assertThat(HOME.resolve("data").resolve("kafka").resolve("meta.properties"))
                .exists();

        // Up again on the kept data: PostgreSQL has the registry, Kafka starts on its formatted folder.
        JsonNode again = up();
        Map<String, String> envAgain = Map.of(
                "TENANTRY_TOKEN",
                Files.readString(HOME.resolve("token")).strip(),
                "TENANTRY_PROVISIONING_URL",
                again.get("provisioning").asText(),
                "TENANTRY_WORKER_URL",
                again.get("worker").asText(),
                "TENANTRY_DISPATCHER_URL",
                again.get("dispatcher").asText());
        Run healthAgain = tenantctl(envAgain, "health", "--json");
        assertThat(healthAgain.exitCode()).as(healthAgain.toString()).isZero();
        Run kept = tenantctl(envAgain, "tenants", "get", "demo_it", "--json");
        assertThat(kept.exitCode()).as(kept.toString()).isZero();
        assertThat(JSON.readTree(kept.out()).get("id").asText()).isEqualTo(restoredId);
        assertThat(JSON.readTree(kept.out()).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(Files.readString(HOME.resolve("logs").resolve("kafka.log")))
                .contains("log directories already formatted");
        Run second =
                tenantctl(envAgain, "tenants", "create", "demo_it2", "--display-name", "Demo 2", "--wait", "--json");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(JSON.readTree(second.out()).get("status").asText()).isEqualTo("ACTIVE");
        down();

        // Nothing of the stack is left: no process names its folder, and every port it used is free.
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> commandLine(p).contains(HOME.toString()))
                        .map(p -> p.pid() + " " + commandLine(p))
                        .toList())
                .isEmpty();
        for (int port : ports) {
            assertThat(isFree(port)).as("port %d is free after down", port).isTrue();
        }
        assertThat(isFree(ports.get(0) + 1))
                .as("Kafka controller port is free after down")
                .isTrue();
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
            Map<String, String> own = Map.of(
                    "TENANTRY_TOKEN",
                    ownToken.out().strip(),
                    "TENANTRY_" + service.toUpperCase(java.util.Locale.ROOT) + "_URL",
                    url);
            Map<String, String> development = Map.of(
                    "TENANTRY_TOKEN",
                    developmentToken.out().strip(),
                    "TENANTRY_" + service.toUpperCase(java.util.Locale.ROOT) + "_URL",
                    url);
            String[] listing = switch (service) {
                case "provisioning" -> new String[] {"tenants", "list"};
                case "worker" -> new String[] {"migrations", "verify"};
                default -> new String[] {"webhooks", "endpoints"};
            };
            Run accepted = tenantctl(own, listing);
            assertThat(accepted.err())
                    .as(service + " with the stack's token: " + accepted)
                    .doesNotContain("401");
            Run refused = tenantctl(development, listing);
            assertThat(refused.exitCode())
                    .as(service + " with a development-key token: " + refused)
                    .isNotZero();
            assertThat(refused.err()).contains("401");
        }
    }

    /** Starts {@code ./tenantry up} as a user would and waits until it is ready; returns its URLs. */
    private JsonNode up(String... extra) throws Exception {
        stack = StackProcesses.up(HOME, ports, console, extra);
        Path state = HOME.resolve("stack.json");
        await().atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(state) || !stack.isAlive());
        assertThat(stack.isAlive()).as(Files.readString(console)).isTrue();
        return JSON.readTree(state.toFile()).get("urls");
    }

    /** {@code ./tenantry down}: the stack and every process it started end. */
    private void down() throws Exception {
        List<ProcessHandle> started = stack.descendants().toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(4);
        Run down = script(HOME, "down");
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
            blocks.add(block.group(1)
                    .lines()
                    .map(String::strip)
                    .collect(Collectors.joining("\n"))
                    .strip());
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
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    // ---------------------------------------------------------------------------------------

    private static int delivered(Map<String, String> env, String tenantId) throws IOException {
        Run run = tenantctl(env, "webhooks", "deliveries", "--tenant", tenantId, "--status", "delivered", "--json");
        return run.exitCode() == 0 ? JSON.readTree(run.out()).path("items").size() : 0;
    }
}
