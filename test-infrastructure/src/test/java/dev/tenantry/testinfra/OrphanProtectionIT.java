package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A test JVM killed with SIGKILL runs no shutdown hook. Its PostgreSQL and Kafka must still go:
 * the broker watches its standard input, PostgreSQL has a watchdog shell on a pipe, and the next
 * run removes what is left of the directory.
 */
class OrphanProtectionIT {

    /** Longer than the child's own startup timeout (180 s), so a slow start fails in the child, with its reason. */
    private static final Duration CHILD_START_TIMEOUT = Duration.ofSeconds(240);

    @Test
    void serversDieWithAKilledParentAndItsDirectoryIsCleanedUpLater() throws Exception {
        Path workdir = EmbeddedInfrastructure.workDirectory();
        Process child = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dorg.jboss.logging.provider=jdk",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-D" + Settings.WORKDIR + "=" + workdir,
                        KilledParentMain.class.getName()))
                .redirectErrorStream(true)
                .start();
        String pids = null;
        try {
            pids = awaitLine(child, "PIDS ", workdir, CHILD_START_TIMEOUT);
        } finally {
            if (pids == null) {
                child.destroyForcibly();
            }
        }
        String[] parts = pids.split(" ");
        long postgres = Long.parseLong(parts[1]);
        long kafka = Long.parseLong(parts[2]);
        Path run = Path.of(parts[3]);
        assertTrue(alive(postgres), "postgres running");
        assertTrue(alive(kafka), "kafka running");

        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));

        long begin = System.nanoTime();
        while ((alive(postgres) || alive(kafka))
                && System.nanoTime() - begin < Duration.ofSeconds(40).toNanos()) {
            Thread.sleep(100);
        }
        System.out.printf("servers of the killed JVM gone after %.1f s%n", (System.nanoTime() - begin) / 1e9);
        assertFalse(alive(postgres), "postgres outlived its killed parent");
        assertFalse(alive(kafka), "kafka outlived its killed parent");

        assertTrue(Files.isDirectory(run));
        EmbeddedInfrastructure.removeStaleRuns(workdir);
        assertFalse(Files.exists(run), "directory of the killed run not removed: " + run);
    }

    @Test
    void aPostgresLeftRunningByAKilledRunIsStoppedByTheNextOne() throws Exception {
        Path workdir = EmbeddedInfrastructure.workDirectory();
        // pid 2147483646 is above any pid_max: the owner of this run is certainly gone.
        Path run = workdir.resolve("run-2147483646-test");
        Files.createDirectories(run);
        Files.writeString(run.resolve("owner"), "2147483646 0\n", StandardCharsets.UTF_8);
        EmbeddedPostgresServer orphan = EmbeddedPostgresServer.builder()
                .dataDirectory(run.resolve("postgres-data"))
                .binariesDirectory(EmbeddedInfrastructure.binariesDirectory(workdir))
                .parentWatchdog(false)
                .build();
        orphan.start();
        long pid = EmbeddedPostgresServer.postmasterPid(orphan.dataDirectory()).orElseThrow();
        try {
            assertTrue(EmbeddedPostgresServer.isAlivePostgres(pid));
            EmbeddedInfrastructure.removeStaleRuns(workdir);
            assertFalse(EmbeddedPostgresServer.isAlivePostgres(pid), "stale postmaster still running");
            assertFalse(Files.exists(run));
        } finally {
            if (EmbeddedPostgresServer.isAlivePostgres(pid)) {
                orphan.stop();
            }
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Reads the child's output on a thread of this test's own (never a shared pool, whose
     * workers earlier tests may still occupy) until a line starts with {@code prefix}. If none
     * comes, the failure says why: whether the child still runs or how it ended, what it
     * printed, its thread dump, and the last lines of its servers' logs.
     */
    private static String awaitLine(Process process, String prefix, Path workdir, Duration timeout) throws Exception {
        StringBuilder output = new StringBuilder();
        BlockingQueue<Optional<String>> found = new ArrayBlockingQueue<>(1);
        Thread reader = new Thread(
                () -> {
                    boolean reported = false;
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String l;
                        // Keeps reading after the line is found, so the child never blocks on a full pipe.
                        while ((l = lines.readLine()) != null) {
                            if (!reported && l.startsWith(prefix)) {
                                reported = found.offer(Optional.of(l));
                            } else {
                                synchronized (output) {
                                    output.append(l).append('\n');
                                }
                            }
                        }
                    } catch (IOException e) {
                        // The child is gone.
                    }
                    if (!reported) {
                        found.offer(Optional.empty());
                    }
                },
                "orphan-test-child-output");
        reader.setDaemon(true);
        reader.start();

        long begin = System.nanoTime();
        Optional<String> line = found.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line != null && line.isPresent()) {
            return line.get();
        }
        String elapsed = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - begin) / 1e9);
        String state;
        if (process.isAlive()) {
            state = "still running after " + elapsed + "; thread dump:\n" + threadDump(process.pid());
        } else {
            int code = process.exitValue();
            state = "ended after " + elapsed + " with exit code " + code
                    + (code > 128 ? " (signal " + (code - 128) + ")" : "");
        }
        StringBuilder logs = new StringBuilder();
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(workdir, "run-" + process.pid() + "-*")) {
            for (Path run : runs) {
                logs.append("\n--- ")
                        .append(run.resolve("postgres.log"))
                        .append('\n')
                        .append(FileTrees.tail(run.resolve("postgres.log"), 20))
                        .append("\n--- ")
                        .append(run.resolve("kafka.log"))
                        .append('\n')
                        .append(FileTrees.tail(run.resolve("kafka.log"), 20));
            }
        }
        synchronized (output) {
            fail("child did not report its servers: " + state + "\noutput:\n" + output + logs);
        }
        return null;
    }

    private static String threadDump(long pid) {
        try {
            Process jcmd = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(pid),
                            "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }
}
