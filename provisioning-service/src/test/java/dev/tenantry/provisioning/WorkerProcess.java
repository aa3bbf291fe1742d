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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real migration worker, run from its packaged jar as a child process against the test
 * PostgreSQL and Kafka, for the end-to-end tests. One shared instance serves most tests; a test
 * that needs a differently configured worker (a broken release) stops it and starts its own.
 * Every process is stopped by the test that started it, and by a shutdown hook at the latest.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final Path JAR = Path.of("../migration-worker/target/quarkus-app/quarkus-run.jar");
    private static final long START_TIMEOUT_SECONDS = 90;
    private static WorkerProcess shared;

    private final String name;
    private final Process process;
    private final Deque<String> recentLines = new ArrayDeque<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final Thread shutdownHook;

    private WorkerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.shutdownHook = new Thread(this::stopProcess, "stop-worker-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The shared worker with the demo migrations, started on first use. */
    public static synchronized WorkerProcess shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start("shared", List.of());
        }
        return shared;
    }

    /** Stops the shared worker (a test is about to run its own); the next {@link #shared()} restarts it. */
    public static synchronized void stopShared() {
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
    public static WorkerProcess start(String name, List<String> systemProperties) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("The migration worker is not built: " + JAR.toAbsolutePath()
                    + " is missing. Build it with: cd ../migration-worker && mvn -B -q package -DskipTests");
        }
        Infrastructure infra = TenantryInfrastructure.get();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dquarkus.http.port=0");
        // Quiet and predictable: no fleet checks of its own while the tests drive it.
        command.add("-Dtenantry.worker.drift.verify-at-start=false");
        command.add("-Dtenantry.worker.drift.interval=0s");
        command.add("-Dtenantry.worker.deletion.sweep-interval=0s");
        command.addAll(systemProperties.stream().map(p -> "-D" + p).toList());
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TENANTRY_DB_URL", infra.jdbcUrl());
        builder.environment().put("TENANTRY_DB_USER", infra.username());
        builder.environment().put("TENANTRY_DB_PASSWORD", infra.password());
        builder.environment().put("TENANTRY_KAFKA_BOOTSTRAP", infra.kafkaBootstrapServers());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the migration worker", e);
        }
        WorkerProcess worker = new WorkerProcess(name, process);
        worker.pumpOutput();
        worker.awaitStarted();
        return worker;
    }

    public boolean isAlive() {
        return process.isAlive();
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
        Path log = Path.of("target", "worker-" + name + "-" + process.pid() + ".log");
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    out.println(line);
                    synchronized (recentLines) {
                        recentLines.addLast(line);
                        if (recentLines.size() > 40) {
                            recentLines.removeFirst();
                        }
                    }
                    if (line.contains(" started in ")) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "worker-output-" + name);
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
        throw new IllegalStateException("migration worker '" + name + "' did not start; last output:\n" + tail);
    }
}
