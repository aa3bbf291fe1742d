package dev.tenantry.provisioning;

import dev.tenantry.testinfra.ServiceJvm;
import dev.tenantry.testinfra.TenantryInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Tenantry service run from its packaged jar as a child process against the test
 * PostgreSQL and Kafka: the migration worker for the end-to-end tests, or a second and third
 * provisioning service when a test needs whole instances to fail. One shared worker serves most
 * tests; a test that needs a differently configured worker (a broken release) stops it and starts
 * its own. The process itself is a {@link ServiceJvm}, whose watchdog stops it if this JVM ends
 * first.
 */
public final class ChildServiceProcess implements AutoCloseable {

    private static final Path BUILT_APP = Path.of("../migration-worker/target/quarkus-app");
    /** This module's own packaged service: failsafe runs after the package phase. */
    private static final Path PROVISIONING_APP = Path.of("target/quarkus-app");

    // Run from a copy: a rebuild of the worker module while these tests run must not pull the
    // jars from under a running worker.
    private static final Path APP_COPY = Path.of("target", "migration-worker-app");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static ChildServiceProcess shared;
    private static boolean copied;

    private final ServiceJvm process;

    private ChildServiceProcess(ServiceJvm process) {
        this.process = process;
    }

    /** The shared worker with the demo migrations, started on first use. */
    public static synchronized ChildServiceProcess sharedWorker() {
        if (shared == null || !shared.isAlive()) {
            shared = startWorker("shared", List.of());
        }
        return shared;
    }

    /** Stops the shared worker (a test is about to run its own); the next {@link #sharedWorker()} restarts it. */
    public static synchronized void stopSharedWorker() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /**
     * Starts a worker and waits until it has started.
     *
     * @param systemProperties extra {@code key=value} settings
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

    private static ChildServiceProcess start(String name, Path jar, List<String> settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            properties.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        ServiceJvm process;
        try {
            process = ServiceJvm.startForTests(TenantryInfrastructure.get(), name, jar, properties);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        try {
            // Started, not ready: a standby relay or a worker with a broken release is meant to be unready.
            process.awaitStarted(START_TIMEOUT);
        } catch (IOException e) {
            process.close();
            throw new IllegalStateException("'" + name + "' did not start", e);
        }
        return new ChildServiceProcess(process);
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

    /** The base URL the service listens on, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return process.url();
    }

    /** Ends the process as a crash would: SIGKILL, no shutdown hooks, no goodbye to the database. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
    }
}
