package dev.tenantry.provisioning;

import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.TenantryInfrastructure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Tenantry service run from its packaged jar as a child process against the test
 * PostgreSQL and Kafka: the migration worker for the end-to-end tests, or a second and third
 * provisioning service when a test needs whole instances to fail. One shared worker serves most
 * tests; a test that needs a differently configured worker (a broken release) stops it and starts
 * its own. Every process is stopped by the test that started it, and by a shutdown hook at the latest.
 */
public final class ChildServiceProcess implements AutoCloseable {

    private static final Path BUILT_APP = Path.of("../migration-worker/target/quarkus-app");
    /** This module's own packaged service: failsafe runs after the package phase. */
    private static final Path PROVISIONING_APP = Path.of("target/quarkus-app");

    private static final Pattern LISTENING = Pattern.compile("Listening on: (http://\\S+)");
    // Run from a copy: a rebuild of the worker module while these tests run must not pull the
    // jars from under a running worker.
    private static final Path APP_COPY = Path.of("target", "migration-worker-app");
    private static final long START_TIMEOUT_SECONDS = 90;
    private static ChildServiceProcess shared;
    private static boolean copied;

    private final String name;
    private final Process process;
    private final Deque<String> recentLines = new ArrayDeque<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile String url;
    private final Thread shutdownHook;

    private ChildServiceProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        // At JVM exit PostgreSQL and Kafka are stopping too: no graceful shutdown to wait for.
        this.shutdownHook = new Thread(this::kill, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The shared worker with the demo migrations, started on first use. */
    public static synchronized ChildServiceProcess sharedWorker() {
        if (shared == null || !shared.process.isAlive()) {
            shared = startWorker("shared", List.of());
        }
        return shared;
    }

    /** Stops the shared worker (a test is about to run its own); the next {@link #shared()} restarts it. */
    public static synchronized void stopSharedWorker() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /**
     * Starts a worker and waits for its "started" line.
     *
     * @param systemProperties extra {@code -Dkey=value} settings
     */
    public static ChildServiceProcess startWorker(String name, List<String> systemProperties) {
        List<String> settings = new ArrayList<>();
        // Quiet and predictable: no fleet checks of its own while the tests drive it.
        settings.add("tenantry.worker.drift.verify-at-start=false");
        settings.add("tenantry.worker.drift.interval=0s");
        settings.add("tenantry.worker.retention.interval=0s");
        settings.addAll(systemProperties);
        return start("worker-" + name, copyOfBuiltWorker().resolve("quarkus-run.jar"), settings);
    }

    /** Starts another instance of this provisioning service (from its packaged jar) and waits until it listens. */
    public static ChildServiceProcess startProvisioning(String name, List<String> systemProperties) {
        Path jar = PROVISIONING_APP.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the tests with mvn verify");
        }
        return start("provisioning-" + name, jar, systemProperties);
    }

    private static ChildServiceProcess start(String name, Path jar, List<String> systemProperties) {
        Infrastructure infra = TenantryInfrastructure.get();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dquarkus.http.port=0");
        // The tests sign tokens with the development key, which only the dev and test profiles trust.
        command.add("-Dquarkus.profile=dev");
        command.addAll(systemProperties.stream().map(p -> "-D" + p).toList());
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TENANTRY_DB_URL", infra.jdbcUrl());
        builder.environment().put("TENANTRY_DB_USER", infra.username());
        builder.environment().put("TENANTRY_DB_PASSWORD", infra.password());
        builder.environment().put("TENANTRY_KAFKA_BOOTSTRAP", infra.kafkaBootstrapServers());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        ChildServiceProcess worker = new ChildServiceProcess(name, process);
        worker.pumpOutput();
        worker.awaitStarted();
        return worker;
    }

    private static synchronized Path copyOfBuiltWorker() {
        Path jar = BUILT_APP.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The migration worker is not built: " + jar.toAbsolutePath()
                    + " is missing. Build it with: cd ../migration-worker && mvn -B -q package -DskipTests");
        }
        if (copied) {
            return APP_COPY;
        }
        try {
            deleteTree(APP_COPY);
            Path staging = Files.createTempDirectory(Path.of("target"), "migration-worker-app");
            try (var files = Files.walk(BUILT_APP)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path target = staging.resolve(BUILT_APP.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.move(staging, APP_COPY, StandardCopyOption.ATOMIC_MOVE);
            copied = true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the built migration worker", e);
        }
        return APP_COPY;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The base URL the service listens on, e.g. {@code http://localhost:41234}. */
    public String url() {
        return url;
    }

    /** Ends the process as a crash would: SIGKILL, no shutdown hooks, no goodbye to the database. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to.
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void pumpOutput() {
        Path log = Path.of("target", name + "-" + process.pid() + ".log");
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader reader = new BufferedReader(
                                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter out =
                                    new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            out.println(line);
                            synchronized (recentLines) {
                                recentLines.addLast(line);
                                if (recentLines.size() > 40) {
                                    recentLines.removeFirst();
                                }
                            }
                            Matcher listening = LISTENING.matcher(line);
                            if (listening.find()) {
                                url = listening.group(1);
                            }
                            if (line.contains(" started in ")) {
                                started.countDown();
                            }
                        }
                    } catch (IOException e) {
                        // The process ended.
                    }
                },
                "output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    private void awaitStarted() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        try {
            while (System.nanoTime() < deadline) {
                if (started.await(200, TimeUnit.MILLISECONDS)) {
                    return;
                }
                if (!process.isAlive()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopProcess();
        String tail;
        synchronized (recentLines) {
            tail = String.join("\n", recentLines);
        }
        throw new IllegalStateException("'" + name + "' did not start; last output:\n" + tail);
    }
}
