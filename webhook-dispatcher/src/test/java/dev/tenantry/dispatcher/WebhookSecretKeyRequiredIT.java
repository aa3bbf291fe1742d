package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.infra;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.testinfra.TestNames;
import dev.tenantry.testinfra.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged dispatcher in the prod profile (as deployed) encrypts endpoint secrets only with a
 * key of the deployment's own: without TENANTRY_WEBHOOK_SECRET_KEY, or with the development key
 * published in the repository, it refuses to start and says why in one line.
 */
class WebhookSecretKeyRequiredIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @TempDir
    Path dir;

    private Process dispatcher;

    @AfterEach
    void stop() throws InterruptedException {
        if (dispatcher != null && dispatcher.isAlive()) {
            dispatcher.destroy();
            if (!dispatcher.waitFor(30, TimeUnit.SECONDS)) {
                dispatcher.destroyForcibly();
            }
        }
    }

    @Test
    void withoutAKeyTheDispatcherDoesNotStart() throws Exception {
        List<String> lines = refusedStart(Map.of());

        assertThat(lines)
                .filteredOn(l -> l.contains("Not starting"))
                .hasSize(1)
                .first()
                .asString()
                .contains("no key to encrypt webhook endpoint secrets")
                .contains("TENANTRY_WEBHOOK_SECRET_KEY");
    }

    @Test
    void withTheDevelopmentKeyTheDispatcherDoesNotStart() throws Exception {
        List<String> lines =
                refusedStart(Map.of("TENANTRY_WEBHOOK_SECRET_KEY", "61X4XxWi9l82V3xoH9sAX6SkX0d2BJJTFjrf6U6CjHY="));

        assertThat(lines)
                .filteredOn(l -> l.contains("Not starting"))
                .hasSize(1)
                .first()
                .asString()
                .contains("is the development key");
    }

    @Test
    void withAKeyOfItsOwnTheDispatcherStarts() throws Exception {
        Path log = dir.resolve("dispatcher.log");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        dispatcher =
                start(Map.of("TENANTRY_WEBHOOK_SECRET_KEY", Base64.getEncoder().encodeToString(key)), log);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Files.readAllLines(log).stream().noneMatch(l -> l.contains("Listening on:"))) {
            assertThat(dispatcher.isAlive())
                    .as("dispatcher running; its output:\n%s", Files.readString(log))
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("dispatcher listening; its output:\n%s", Files.readString(log))
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(Files.readAllLines(log)).noneMatch(l -> l.contains("Not starting"));
    }

    private List<String> refusedStart(Map<String, String> environment) throws Exception {
        Path log = dir.resolve("dispatcher.log");
        dispatcher = start(environment, log);
        assertThat(dispatcher.waitFor(120, TimeUnit.SECONDS))
                .as("dispatcher exited")
                .isTrue();
        assertThat(dispatcher.exitValue()).isNotZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).noneMatch(l -> l.contains("Listening on:"));
        return lines;
    }

    private Process start(Map<String, String> environment, Path log) throws Exception {
        assertThat(JAR)
                .as("packaged dispatcher (mvn package runs before the integration tests)")
                .exists();
        Path publicKey = dir.resolve("issuer-public.pem");
        TestTokens.freshKeyPair(publicKey);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.port=0",
                "-Dtenantry.dispatcher.consumer-group=" + TestNames.unique("webhook-key-it"),
                "-Dtenantry.dispatcher.retention.interval=0s",
                "-jar",
                JAR.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("TENANTRY_WEBHOOK_SECRET_KEY");
        builder.environment().remove("QUARKUS_PROFILE");
        // Its own database: its tables and deliveries stay out of the other tests' way.
        builder.environment().put("TENANTRY_DB_URL", freshDatabase());
        builder.environment().put("TENANTRY_DB_USER", infra().username());
        builder.environment().put("TENANTRY_DB_PASSWORD", infra().password());
        builder.environment().put("TENANTRY_KAFKA_BOOTSTRAP", infra().kafkaBootstrapServers());
        builder.environment().put("TENANTRY_JWT_PUBLIC_KEY", publicKey.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private static String freshDatabase() throws Exception {
        String database = TestNames.unique("webhook_key");
        try (Connection admin = infra().dataSource().getConnection();
                Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        return infra().jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    }
}
