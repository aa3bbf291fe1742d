package dev.tenantry.faults;

import dev.tenantry.testinfra.ServiceJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A second instance of a service the stack runs, as a replica in production would be: the same
 * jar, the same command line and environment as the stack's instance (read from
 * {@code /proc/<pid>/cmdline} and {@code environ}, so nothing about how the stack configures it is
 * repeated here), its own port and its own name in the consumer groups. Not supervised: killed, it
 * stays down.
 */
public final class SecondInstance implements AutoCloseable {

    private final ServiceJvm process;

    private SecondInstance(ServiceJvm process) {
        this.process = process;
    }

    public static SecondInstance of(RunningSystem system, String component, String name) throws Exception {
        long pid = system.component(component).pid();
        List<String> command = nulSeparated(Path.of("/proc", Long.toString(pid), "cmdline"));
        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : nulSeparated(Path.of("/proc", Long.toString(pid), "environ"))) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        int port = ServiceJvm.freePort();
        List<String> ownCommand = new ArrayList<>();
        for (String argument : command) {
            ownCommand.add(argument.startsWith("-Dquarkus.http.port=") ? "-Dquarkus.http.port=" + port : argument);
        }
        environment.put("TENANTRY_MESSAGING_CONSUMERS_INSTANCE_ID", name);
        return new SecondInstance(ServiceJvm.launch(
                name, ownCommand, port, environment, true, system.logs().resolve(name + ".log")));
    }

    public String url() {
        return process.url();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until {@code /q/health/ready} answers 200; fails at once if the process ended. */
    public void awaitReady(Duration patience) throws Exception {
        process.awaitReady(patience);
    }

    @Override
    public void close() {
        process.close();
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
}
