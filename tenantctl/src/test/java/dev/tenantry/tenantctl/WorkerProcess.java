package dev.tenantry.tenantctl;

import dev.tenantry.testinfra.Infrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real migration worker, started from its quarkus-app jar as a child JVM against the test's
 * PostgreSQL and Kafka. Stopped after the tests, and by a shutdown hook if the test JVM ends first.
 */
final class WorkerProcess implements AutoCloseable {

    static final Path JAR = Path.of("..", "migration-worker", "target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final Path log;
    private final String url;
    private final Thread shutdownHook;

    private WorkerProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
        this.shutdownHook = new Thread(this::stop, "stop-migration-worker");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    static WorkerProcess start(Infrastructure infra, Map<String, String> systemProperties) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build the migration worker first "
                    + "(mvn -B -q install -DskipTests -pl migration-worker -am)");
        }
        int port = freePort();
        Path log = Path.of("target", "migration-worker-" + port + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port,
                // The tests sign tokens with the development key, which only the dev and test profiles trust.
                "-Dquarkus.profile=dev"));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TENANTRY_DB_URL", infra.jdbcUrl());
        builder.environment().put("TENANTRY_DB_USER", infra.username());
        builder.environment().put("TENANTRY_DB_PASSWORD", infra.password());
        builder.environment().put("TENANTRY_KAFKA_BOOTSTRAP", infra.kafkaBootstrapServers());
        WorkerProcess worker = new WorkerProcess(builder.start(), log, "http://127.0.0.1:" + port);
        worker.awaitReady(Duration.ofSeconds(120));
        return worker;
    }

    String url() {
        return url;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void awaitReady(Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the migration worker exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> ready = http.send(
                        HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException("the migration worker was not ready within " + timeout + ":\n" + tail());
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
