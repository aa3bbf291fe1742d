package dev.tenantry.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second instance of a service the stack runs, as a replica in production would be: the same
 * jar, the same command line and environment as the stack's instance (read from
 * {@code /proc/<pid>/cmdline} and {@code environ}, so nothing about how the stack configures it is
 * repeated here), its own port and its own name in the consumer groups. Not supervised: killed, it
 * stays down.
 */
final class SecondInstance implements AutoCloseable {

    private final Process process;
    private final String url;
    private final Path log;

    private SecondInstance(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    static SecondInstance of(RunningSystem system, String component, String name) throws Exception {
        long pid = system.component(component).pid();
        List<String> command = nulSeparated(Path.of("/proc", Long.toString(pid), "cmdline"));
        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : nulSeparated(Path.of("/proc", Long.toString(pid), "environ"))) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        int port = freePort();
        List<String> ownCommand = new ArrayList<>();
        for (String argument : command) {
            ownCommand.add(argument.startsWith("-Dquarkus.http.port=") ? "-Dquarkus.http.port=" + port : argument);
        }
        environment.put("TENANTRY_MESSAGING_CONSUMERS_INSTANCE_ID", name);
        Path log = system.logs().resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(ownCommand)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new SecondInstance(builder.start(), "http://127.0.0.1:" + port, log);
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** Waits until {@code /q/health/ready} answers 200; fails at once if the process ended. */
    void awaitReady(Duration patience) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the second instance ended while starting; its log: " + log);
            }
            try {
                HttpResponse<String> ready = http.send(
                        HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still booting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the second instance was not ready within " + patience + "; its log: " + log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> nulSeparated(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>();
        for (String part : text.split("\0")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
