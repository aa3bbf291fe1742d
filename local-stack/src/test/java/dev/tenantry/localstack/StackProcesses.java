package dev.tenantry.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.tenantctl.Tenantctl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the local stack's integration tests share: ports, processes, the script and tenantctl. */
final class StackProcesses {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private StackProcesses() {}

    record Run(int exitCode, String out, String err) {}

    /**
     * {@code java -jar local-stack.jar --home <home> up} on the given ports (Kafka, PostgreSQL,
     * receiver, provisioning, worker, dispatcher), its output appended to {@code console}.
     */
    static Process up(Path home, List<Integer> ports, Path console, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("local-stack.jar", "target/local-stack.jar"),
                "--home",
                home.toString(),
                "up",
                "--repo",
                REPO.toString(),
                "--kafka-port",
                Integer.toString(ports.get(0)),
                "--postgres-port",
                Integer.toString(ports.get(1)),
                "--receiver-port",
                Integer.toString(ports.get(2)),
                "--provisioning-port",
                Integer.toString(ports.get(3)),
                "--worker-port",
                Integer.toString(ports.get(4)),
                "--dispatcher-port",
                Integer.toString(ports.get(5))));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                .start();
    }

    /** After a failed test: the stack and whatever it started, killed. */
    static void kill(Process stack) throws InterruptedException {
        if (stack != null && stack.isAlive()) {
            List<ProcessHandle> children = stack.descendants().toList();
            stack.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The stack's own script, as a user calls it from the repository root. */
    static Run script(Path home, String... arguments) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("bash", REPO.resolve("tenantry").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        builder.environment().put("TENANTRY_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output, "");
    }

    static Run tenantctl(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Tenantctl.execute(args, env, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static String commandLine(ProcessHandle process) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                            StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return process.info().commandLine().orElse("");
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Six distinct free ports for {@link #up}: Kafka (its controller on the next port), PostgreSQL,
     * receiver, provisioning, worker, dispatcher. Each port is free when picked but not held, so
     * the same one can come back twice: duplicates are picked again.
     */
    static List<Integer> stackPorts() throws IOException {
        int kafka = freePortPair();
        java.util.Set<Integer> taken = new java.util.LinkedHashSet<>(List.of(kafka, kafka + 1));
        List<Integer> ports = new ArrayList<>(List.of(kafka));
        while (ports.size() < 6) {
            int port = freePort();
            if (taken.add(port)) {
                ports.add(port);
            }
        }
        return ports;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** A free port whose successor is free too (Kafka's controller listens there). */
    static int freePortPair() throws IOException {
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
