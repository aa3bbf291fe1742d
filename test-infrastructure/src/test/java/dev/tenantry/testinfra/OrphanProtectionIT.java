package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A test JVM killed with SIGKILL runs no shutdown hook. Its PostgreSQL and Kafka must still go:
 * the broker watches its standard input, PostgreSQL has a watchdog shell on a pipe, and the next
 * run removes what is left of the directory.
 */
class OrphanProtectionIT {

    @Test
    void serversDieWithAKilledParentAndItsDirectoryIsCleanedUpLater() throws Exception {
        Path workdir = EmbeddedInfrastructure.workDirectory();
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.jboss.logging.provider=jdk",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-D" + Settings.WORKDIR + "=" + workdir,
                KilledParentMain.class.getName()))
                .redirectErrorStream(true)
                .start();
        String pids = null;
        try {
            pids = awaitLine(child, "PIDS ", Duration.ofSeconds(120));
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
        while ((alive(postgres) || alive(kafka)) && System.nanoTime() - begin < Duration.ofSeconds(40).toNanos()) {
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

    private static String awaitLine(Process process, String prefix, Duration timeout) throws Exception {
        StringBuilder output = new StringBuilder();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = reader.readLine()) != null) {
                    if (l.startsWith(prefix)) {
                        // Keep draining so the child never blocks on a full pipe.
                        Thread drain = new Thread(() -> {
                            try {
                                while (reader.readLine() != null) {
                                    // discard
                                }
                            } catch (IOException ignored) {
                                // child gone
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                        return l;
                    }
                    synchronized (output) {
                        output.append(l).append('\n');
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String result;
        try {
            result = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            result = null;
            // A thread dump (SIGQUIT) into the output, to see where the child is stuck.
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor();
            Thread.sleep(1000);
        }
        synchronized (output) {
            assertNotNull(result, "child did not report its servers; output:\n" + output);
        }
        return result;
    }
}
