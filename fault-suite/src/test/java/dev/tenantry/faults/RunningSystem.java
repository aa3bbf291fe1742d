package dev.tenantry.faults;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The whole system for one test: a local stack ({@code local-stack.jar up}) with its own home
 * folder and ports, fresh data, PostgreSQL, Kafka and the three services as separate processes
 * under the stack's supervisor. It exposes what a scenario needs to drive and judge the system
 * (the database, the broker, the provisioning URL, a token) and the components' state from
 * {@code status --json}, the same view an operator has.
 */
public final class RunningSystem implements AutoCloseable {

    public static final List<String> COMPONENTS =
            List.of("postgres", "kafka", "migration-worker", "provisioning-service", "webhook-dispatcher");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two cores run five JVMs and PostgreSQL: starting everything takes minutes, not seconds. */
    private static final Duration STARTUP = Duration.ofMinutes(8);
    /** The embedded PostgreSQL the stack starts accepts this password (StackUp's local default). */
    private static final String EMBEDDED_DB_PASSWORD = "local";

    private final Path home;
    private final Path console;
    private final Process stack;
    private JsonNode state;

    private RunningSystem(Path home, Path console, Process stack) {
        this.home = home;
        this.console = console;
        this.stack = stack;
    }

    /** Starts a stack with fresh data under {@code target/<name>} and waits until every component runs. */
    public static RunningSystem start(String name) throws Exception {
        return start(name, Map.of());
    }

    /**
     * As {@link #start(String)}, with extra environment variables for the stack process. The stack
     * passes its environment on to the services it starts, so this is how a scenario sets a
     * service's configuration for its own stack only (e.g. {@code TENANTRY_DISPATCHER_DELIVERY_REQUEST_TIMEOUT}).
     */
    public static RunningSystem start(String name, Map<String, String> environment) throws Exception {
        return start(name, environment, List.of());
    }

    /** As {@link #start(String, Map)}, with extra options for {@code up} (e.g. {@code --postgres-fsync}). */
    public static RunningSystem start(String name, Map<String, String> environment, List<String> upOptions)
            throws Exception {
        Path target =
                Path.of(System.getProperty("fault-suite.target", "target")).toAbsolutePath();
        Path home = target.resolve(name);
        Path console = target.resolve(name + "-console.log");
        Files.createDirectories(target);
        Files.deleteIfExists(console);
        // A stack killed before it could clean up leaves its state behind: read as this stack's, its
        // ports would point at nothing. The new stack writes the file once it is up.
        Files.deleteIfExists(home.resolve("stack.json"));
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                "-jar",
                stackJar(),
                "--home",
                home.toString(),
                "up",
                "--repo",
                repository().toString(),
                "--fresh"));
        command.addAll(StackPorts.pick().upArguments());
        command.addAll(upOptions);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        RunningSystem system = new RunningSystem(home, console, process);
        try {
            system.awaitStarted();
        } catch (Throwable e) {
            system.close();
            throw e;
        }
        return system;
    }

    private void awaitStarted() throws IOException {
        Path stateFile = home.resolve("stack.json");
        await().atMost(STARTUP)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> Files.exists(stateFile) || !stack.isAlive());
        if (!stack.isAlive()) {
            throw new IllegalStateException("the local stack ended while starting:\n" + consoleText());
        }
        state = JSON.readTree(stateFile.toFile());
        for (String component : COMPONENTS) {
            awaitComponent(component, StackComponentStatus::running, STARTUP);
        }
    }

    public DataSource dataSource() {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(state.get("jdbcUrl").asText());
        source.setUser(state.get("dbUser").asText());
        source.setPassword(EMBEDDED_DB_PASSWORD);
        return source;
    }

    public String kafkaBootstrap() {
        return state.get("kafkaBootstrap").asText();
    }

    public String provisioningUrl() {
        return state.get("urls").get("provisioning").asText();
    }

    /** The three services' base URLs by name (provisioning, worker, dispatcher). */
    public Map<String, String> serviceUrls() {
        Map<String, String> urls = new TreeMap<>();
        for (String service : List.of("provisioning", "worker", "dispatcher")) {
            urls.put(service, state.get("urls").get(service).asText());
        }
        return urls;
    }

    public String workerUrl() {
        return state.get("urls").get("worker").asText();
    }

    public String dispatcherUrl() {
        return state.get("urls").get("dispatcher").asText();
    }

    /** The stack's demo webhook receiver, registered as an endpoint when the stack started. */
    public String receiverUrl() {
        return state.get("urls").get("receiver").asText();
    }

    public String dbPassword() {
        return EMBEDDED_DB_PASSWORD;
    }

    /** The stack's home folder: its keys ({@code jwt/}), data ({@code data/}), token and logs. */
    public Path home() {
        return home;
    }

    /** The bearer token the stack signed with its own key (tenant-admin, viewer and operator). */
    public String token() throws IOException {
        return Files.readString(home.resolve("token")).strip();
    }

    public Path console() {
        return console;
    }

    public Path logs() {
        return Path.of(state.get("logs").asText());
    }

    /** Every component's state, through {@code status --json}. */
    public List<StackComponentStatus> status() throws Exception {
        Process status = new ProcessBuilder(
                        javaBinary(), "-jar", stackJar(), "--home", home.toString(), "status", "--json")
                .redirectErrorStream(true)
                .start();
        String out = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!status.waitFor(2, TimeUnit.MINUTES) || status.exitValue() != 0) {
            throw new IllegalStateException("status --json failed: " + out);
        }
        List<StackComponentStatus> components = new ArrayList<>();
        JSON.readTree(out).get("components").forEach(c -> components.add(StackComponentStatus.of(c)));
        return components;
    }

    /** {@code ./tenantry stop <component>}: the supervisor leaves it down until {@link #restart}. */
    public void stop(String component) throws Exception {
        stackCommand("stop", component);
    }

    /** {@code ./tenantry restart <component>}: answers once the component runs again. */
    public void restart(String component) throws Exception {
        stackCommand("restart", component);
    }

    private void stackCommand(String command, String component) throws Exception {
        Process process = new ProcessBuilder(
                        javaBinary(), "-jar", stackJar(), "--home", home.toString(), command, component)
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(STARTUP.toMinutes(), TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " " + component + " failed: " + out);
        }
    }

    public StackComponentStatus component(String name) throws Exception {
        return status().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no component " + name));
    }

    /** Waits until {@code status --json} shows the component in the wanted condition. */
    public StackComponentStatus awaitComponent(
            String name, Predicate<StackComponentStatus> condition, Duration patience) {
        if (!stack.isAlive()) {
            throw new IllegalStateException("the local stack ended:\n" + consoleText());
        }
        return await().atMost(patience)
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> component(name), condition);
    }

    public String consoleText() {
        try {
            return Files.readString(console);
        } catch (IOException e) {
            return "(no console: " + e + ")";
        }
    }

    /** {@code down}; whatever is still alive afterwards (a stack that would not stop) is killed. */
    @Override
    public void close() throws Exception {
        List<ProcessHandle> started = stack.descendants().toList();
        if (stack.isAlive() && state != null) {
            Process down = new ProcessBuilder(javaBinary(), "-jar", stackJar(), "--home", home.toString(), "down")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                    .start();
            down.waitFor(3, TimeUnit.MINUTES);
            stack.waitFor(3, TimeUnit.MINUTES);
        }
        if (stack.isAlive()) {
            stack.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        List<ProcessHandle> lingering = new ArrayList<>(started);
        lingering.addAll(stack.descendants().toList());
        lingering.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static Path repository() {
        return Path.of(System.getProperty("tenantry.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    private static String stackJar() {
        return System.getProperty(
                "local-stack.jar",
                repository().resolve("local-stack/target/local-stack.jar").toString());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
