package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.infra;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.TestNames;
import dev.tenantry.testinfra.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged worker in the prod profile (as deployed) verifies tokens only with a key of the
 * deployment's own: without TENANTRY_JWT_PUBLIC_KEY, or with the development key whose private
 * half is in the repository, it refuses to start and says why in one line. The check is
 * service-support's, shared by all three services.
 */
class JwtKeyRequiredIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Pattern LISTENING = Pattern.compile("Listening on: (http://\\S+)");

    @TempDir
    Path dir;

    private Process worker;

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null && worker.isAlive()) {
            worker.destroy();
            if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
    }

    @Test
    void withoutAConfiguredKeyTheWorkerDoesNotStart() throws Exception {
        List<String> lines = refusedStart(Map.of());

        assertThat(lines)
                .filteredOn(l -> l.contains("Not starting"))
                .hasSize(1)
                .first()
                .asString()
                .contains("no JWT verification key is configured")
                .contains("TENANTRY_JWT_PUBLIC_KEY");
    }

    @Test
    void withTheDevelopmentKeyTheWorkerDoesNotStart() throws Exception {
        Path copy = dir.resolve("issuer-public.pem");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("tenantry-dev-keys/public.pem")) {
            Files.write(copy, in.readAllBytes());
        }

        List<String> lines = refusedStart(Map.of("TENANTRY_JWT_PUBLIC_KEY", copy.toString()));

        assertThat(lines)
                .filteredOn(l -> l.contains("Not starting"))
                .hasSize(1)
                .first()
                .asString()
                .contains("is the development key");
    }

    @Test
    void withAKeyOfItsOwnTheWorkerStartsAndAcceptsOnlyTokensSignedByThatKey() throws Exception {
        Path publicKey = dir.resolve("issuer-public.pem");
        KeyPair issuer = TestTokens.freshKeyPair(publicKey);
        Path log = dir.resolve("worker.log");
        worker = start(freshDatabase(), Map.of("TENANTRY_JWT_PUBLIC_KEY", publicKey.toString()), log);
        String url = awaitListening(log);

        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThat(get(http, url, TestTokens.bearer(issuer.getPrivate(), Roles.OPERATOR)))
                .isEqualTo(200);
        assertThat(get(http, url, TestTokens.bearer(Roles.OPERATOR)))
                .as("a token signed by the development key")
                .isEqualTo(401);
        assertThat(Files.readAllLines(log)).noneMatch(l -> l.contains("Not starting"));
    }

    private List<String> refusedStart(Map<String, String> environment) throws Exception {
        Path log = dir.resolve("worker.log");
        worker = start(freshDatabase(), environment, log);
        assertThat(worker.waitFor(120, TimeUnit.SECONDS)).as("worker exited").isTrue();
        assertThat(worker.exitValue()).isNotZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).noneMatch(l -> l.contains("Listening on:"));
        return lines;
    }

    /** The worker's own database: its migrations and tables stay out of the other tests' way. */
    private static String freshDatabase() throws Exception {
        String database = TestNames.unique("jwt_key");
        try (Connection admin = infra().dataSource().getConnection();
                Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        return infra().jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    }

    private static Process start(String jdbcUrl, Map<String, String> environment, Path log) throws IOException {
        assertThat(JAR)
                .as("packaged worker (mvn package runs before the integration tests)")
                .exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.port=0",
                // Quiet: no background work of its own, and a consumer group no other test uses.
                "-Dtenantry.worker.consumer-group=" + TestNames.unique("jwt-key-it"),
                "-Dtenantry.worker.spare-pool.size=0",
                "-Dtenantry.worker.drift.verify-at-start=false",
                "-Dtenantry.worker.drift.interval=0s",
                "-Dtenantry.worker.retention.interval=0s",
                "-jar",
                JAR.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("TENANTRY_JWT_PUBLIC_KEY");
        builder.environment().remove("QUARKUS_PROFILE");
        builder.environment().put("TENANTRY_DB_URL", jdbcUrl);
        builder.environment().put("TENANTRY_DB_USER", infra().username());
        builder.environment().put("TENANTRY_DB_PASSWORD", infra().password());
        builder.environment().put("TENANTRY_KAFKA_BOOTSTRAP", infra().kafkaBootstrapServers());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private String awaitListening(Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Optional<String> url = Files.readAllLines(log).stream()
                    .map(LISTENING::matcher)
                    .filter(Matcher::find)
                    .map(m -> m.group(1))
                    .findFirst();
            if (url.isPresent()) {
                return url.get().replace("0.0.0.0", "127.0.0.1");
            }
            assertThat(worker.isAlive())
                    .as("worker running; its output:\n%s", Files.readString(log))
                    .isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("worker did not start listening; its output:\n" + Files.readString(log));
    }

    private static int get(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(url + "/admin/tenants/" + java.util.UUID.randomUUID() + "/runs"))
                .header("Authorization", authorization)
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
