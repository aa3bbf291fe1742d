package dev.tenantry.testinfra;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Started as a child JVM by {@link OrphanProtectionIT}: starts the embedded servers, prints
 * their process ids, and waits to be killed.
 */
public final class KilledParentMain {

    private KilledParentMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedInfrastructure infra = EmbeddedInfrastructure.start();
        Path run = infra.runDirectory();
        long postgres = EmbeddedPostgresServer.postmasterPid(run.resolve("postgres-data"))
                .orElseThrow();
        long kafka = ProcessIdentity.parse(Files.readString(run.resolve("kafka-data.pid"), StandardCharsets.UTF_8))
                .orElseThrow()
                .pid();
        System.out.println("PIDS " + postgres + " " + kafka + " " + run);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
