package dev.tenantry.localstack;

import dev.tenantry.testinfra.ServiceJvm;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** A Tenantry service as a supervised component: each start launches a new child JVM. */
final class ServiceComponent implements Component {

    /** Launches one process of the service, with its jar, port, environment and log. */
    @FunctionalInterface
    interface Launcher {
        ServiceJvm launch() throws IOException;
    }

    private final String name;
    private final int port;
    private final Launcher launcher;
    private volatile ServiceJvm process;

    ServiceComponent(String name, int port, Launcher launcher) {
        this.name = name;
        this.port = port;
        this.launcher = launcher;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public synchronized void start() throws IOException {
        ServiceJvm current = process;
        if (current != null && current.isAlive()) {
            return;
        }
        if (current != null) {
            // A crashed process still has its watchdog shell waiting on our pipe.
            current.close();
        }
        process = launcher.launch();
    }

    /** Waits for the first readiness after {@link #start()}; fails at once if the process exits. */
    void awaitReady(Duration timeout) throws IOException {
        ServiceJvm current = process;
        if (current == null) {
            throw new IOException(name + " is not started");
        }
        current.awaitReady(timeout);
    }

    @Override
    public synchronized void stop() {
        ServiceJvm current = process;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public boolean isAlive() {
        ServiceJvm current = process;
        return current != null && current.isAlive();
    }

    @Override
    public Optional<Long> pid() {
        ServiceJvm current = process;
        return current != null && current.isAlive() ? Optional.of(current.pid()) : Optional.empty();
    }

    @Override
    public OptionalInt exitStatus() {
        ServiceJvm current = process;
        return current == null ? OptionalInt.empty() : current.exitStatus();
    }

    @Override
    public boolean isReady() {
        ServiceJvm current = process;
        return current != null && current.isReady();
    }

    String logTail(int lines) {
        ServiceJvm current = process;
        return current == null ? "" : current.tail(lines);
    }
}
