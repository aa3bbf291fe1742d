package dev.tenantry.localstack;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Tenantry service run from its {@code quarkus-app} jar as a child JVM, with its output in a
 * log file. A watchdog shell holds a pipe from this JVM: if this JVM dies without stopping the
 * service (even by SIGKILL), the pipe closes and the watchdog stops the service.
 */
final class ServiceProcess implements AutoCloseable {

    // One client for every probe: each client owns a selector thread.
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Process watchdog;
    private final Path log;
    private final String url;

    private ServiceProcess(String name, Process process, Process watchdog, Path log, String url) {
        this.name = name;
        this.process = process;
        this.watchdog = watchdog;
        this.log = log;
        this.url = url;
    }

    /**
     * Starts {@code jar} listening on 127.0.0.1:{@code port} with the given environment and
     * system properties; returns without waiting for it to be ready.
     */
    static ServiceProcess start(
            String name,
            Path jar,
            int port,
            Map<String, String> environment,
            Map<String, String> systemProperties,
            List<String> javaOptions,
            Path log)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(
                    jar + " is missing: build with `./tenantry up --build` (or mvn -B install -DskipTests)");
        }
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ServiceProcess(name, process, startWatchdog(process.pid()), log, "http://127.0.0.1:" + port);
    }

    String name() {
        return name;
    }

    String url() {
        return url;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Exit status once the process has ended (128 + signal number when a signal ended it). */
    java.util.OptionalInt exitStatus() {
        return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
    }

    /** Waits until /q/health/ready answers 200; fails at once if the process exits. */
    void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + "; last lines of " + log
                        + ":\n" + tail(40));
            }
            lastAnswer = readiness();
            if (lastAnswer == null) {
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while waiting for " + name);
            }
            sleep(300);
        }
        throw new IOException(name + " was not ready within " + timeout.toSeconds() + " s (" + lastAnswer
                + "); last lines of " + log + ":\n" + tail(40));
    }

    /** Whether /q/health/ready answers 200 now. */
    boolean isReady() {
        return process.isAlive() && readiness() == null;
    }

    /** null when ready, else what the readiness endpoint said (or why it did not answer). */
    private String readiness() {
        try {
            HttpResponse<String> ready = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() == 200 ? null : "HTTP " + ready.statusCode() + " " + ready.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
        if (watchdog == null) {
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
