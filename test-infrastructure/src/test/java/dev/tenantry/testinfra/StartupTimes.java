package dev.tenantry.testinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures how long the embedded servers take to be ready, one after the other, in a scratch
 * directory: {@code java -cp <test class path> dev.tenantry.testinfra.StartupTimes <dir> [rounds]}.
 * The first PostgreSQL round of an empty directory includes unpacking the binaries.
 */
public final class StartupTimes {

    private StartupTimes() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/startup-times").toAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Files.createDirectories(dir);
        for (int i = 1; i <= rounds; i++) {
            try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder()
                    .dataDirectory(dir.resolve("pg-" + i))
                    .binariesDirectory(dir.resolve("postgres-binaries"))
                    .build()) {
                pg.start();
                double first = pg.lastStartDuration().toMillis() / 1000.0;
                long stopBegin = System.nanoTime();
                pg.stop();
                double stop = (System.nanoTime() - stopBegin) / 1e9;
                long restartBegin = System.nanoTime();
                pg.start();
                double restart = (System.nanoTime() - restartBegin) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "round %d: PostgreSQL ready %.2f s (restart %.2f s, stop %.2f s)%n",
                        i,
                        first,
                        restart,
                        stop);
            }
            try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.builder()
                    .dataDirectory(dir.resolve("kafka-" + i))
                    .build()) {
                kafka.start();
                long stopBegin = System.nanoTime();
                kafka.stop();
                System.out.printf(
                        Locale.ROOT,
                        "round %d: Kafka ready %.2f s (stop %.2f s)%n",
                        i,
                        kafka.lastStartDuration().toMillis() / 1000.0,
                        (System.nanoTime() - stopBegin) / 1e9);
            }
        }
    }
}
