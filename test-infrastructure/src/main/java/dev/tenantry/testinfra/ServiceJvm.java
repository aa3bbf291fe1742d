package dev.tenantry.testinfra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * One Tenantry service run as a child JVM, with its output in a log file: the one launcher of the
 * local stack, the tests that need a service as a separate process, and the fault suite. A watchdog
 * shell holds a pipe from this JVM: if this JVM dies without stopping the service (even by
 * SIGKILL), the pipe closes and the watchdog stops the service, so no test run leaves a service
 * behind that still consumes from the next run's topics.
 */
public final class ServiceJvm implements AutoCloseable {

    // One client for every probe: each client owns a selector thread.
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Process watchdog;
    private final Path log;
    private final String url;

    private ServiceJvm(String name, Process process, Process watchdog, Path log, String url) {
        this.name = name;
        this.process = process;
        this.watchdog = watchdog;
        this.log = log;
        this.url = url;
    }

    /**
     * Starts {@code jar} listening on 127.0.0.1:{@code port}, with the given environment added to
     * this JVM's and the given system properties; returns without waiting for it to be ready.
     */
    public static ServiceJvm start(
            String name,
            Path jar,
            int port,
            Map<String, String> environment,
            Map<String, String> systemProperties,
            List<String> javaOptions,
            Path log)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar.toAbsolutePath()
                    + " is missing: build with `./tenantry up --build` (or mvn -B install -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        return launch(name, command, port, environment, false, log);
    }

    /**
     * Runs a command line that starts a service on 127.0.0.1:{@code port}. With {@code
     * replaceEnvironment} the process gets exactly {@code environment} (e.g. a copy of another
     * instance's), else {@code environment} is added to this JVM's.
     */
    public static ServiceJvm launch(
            String name,
            List<String> command,
            int port,
            Map<String, String> environment,
            boolean replaceEnvironment,
            Path log)
            throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (replaceEnvironment) {
            builder.environment().clear();
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ServiceJvm(name, process, startWatchdog(process.pid()), log, "http://127.0.0.1:" + port);
    }

    /**
     * Starts a packaged service against this test run's PostgreSQL and Kafka, on a free port, with
     * its log under {@code target/}; returns without waiting for it to be ready.
     */
    public static ServiceJvm startForTests(
            Infrastructure infra, String name, Path jar, Map<String, String> systemProperties) throws IOException {
        int port = freePort();
        Map<String, String> environment = Map.of(
                "TENANTRY_DB_URL", infra.jdbcUrl(),
                "TENANTRY_DB_USER", infra.username(),
                "TENANTRY_DB_PASSWORD", infra.password(),
                "TENANTRY_KAFKA_BOOTSTRAP", infra.kafkaBootstrapServers());
        Map<String, String> properties = new LinkedHashMap<>();
        // The tests sign tokens with the development key, which only the dev and test profiles trust.
        properties.put("quarkus.profile", "dev");
        properties.putAll(systemProperties);
        return start(
                name,
                jar,
                port,
                environment,
                properties,
                List.of("-Xmx384m", "-XX:+UseSerialGC"),
                Path.of("target", name + "-" + port + ".log"));
    }

    /** A free TCP port on the loopback interface, never handed out twice by this JVM. */
    public static int freePort() {
        return FreePorts.find();
    }

    public String name() {
        return name;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Exit status once the process has ended (128 + signal number when a signal ended it). */
    public OptionalInt exitStatus() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Waits until /q/health/ready answers 200; fails at once if the process exits. */
    public void awaitReady(Duration timeout) throws IOException {
        await(timeout, "ready", true);
    }

    /**
     * Waits until the service has started: its HTTP port answers /q/health/live, whatever the
     * answer. For tests of instances that are meant to be unready (a standby, a broken release).
     */
    public void awaitStarted(Duration timeout) throws IOException {
        await(timeout, "started", false);
    }

    /** Whether /q/health/ready answers 200 now. */
    public boolean isReady() {
        return process.isAlive() && probe("/q/health/ready", true) == null;
    }

    private void await(Duration timeout, String what, boolean ready) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + "; last lines of " + log
                        + ":\n" + tail(40));
            }
            lastAnswer = ready ? probe("/q/health/ready", true) : probe("/q/health/live", false);
            if (lastAnswer == null) {
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while waiting for " + name);
            }
            sleep(300);
        }
        throw new IOException(name + " was not " + what + " within " + timeout.toSeconds() + " s (" + lastAnswer
                + "); last lines of " + log + ":\n" + tail(40));
    }

    /** null when the probe passes, else what the endpoint said (or why it did not answer). */
    private String probe(String path, boolean needOk) {
        try {
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return !needOk || answer.statusCode() == 200 ? null : "HTTP " + answer.statusCode() + " " + answer.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The last lines of the service's log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the process as a crash would: SIGKILL, no shutdown hooks, no goodbye to the database. */
    public void kill() {
        stopWatchdog();
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (Quarkus shuts down gracefully), SIGKILL after the timeout. */
    @Override
    public void close() {
        stopWatchdog();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Process startWatchdog(long pid) {
        String p = Long.toString(pid);
        // Reads until this JVM's end of the pipe closes; then TERM, and KILL if it lingers.
        String script = "cat >/dev/null; kill -TERM " + p + " 2>/dev/null; i=0; "
                + "while kill -0 " + p + " 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done; "
                + "kill -KILL " + p + " 2>/dev/null; exit 0";
        try {
            return new ProcessBuilder("/bin/sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return null;
        }
    }

    private void stopWatchdog() {
        if (watchdog == null || !watchdog.isAlive()) {
            return;
        }
        // Kill the shell first so that it never signals; then close our end of its pipe.
        watchdog.destroyForcibly();
        try {
            watchdog.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (OutputStream in = watchdog.getOutputStream()) {
            in.flush();
        } catch (IOException e) {
            // Already closed.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
