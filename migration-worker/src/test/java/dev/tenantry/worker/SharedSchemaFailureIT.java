package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.infra;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.testinfra.TestNames;
import dev.tenantry.testinfra.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged worker refuses to start when its shared-schema migration fails, and says why. */
class SharedSchemaFailureIT {

    @Test
    void theWorkerExitsNonZeroWithOneClearLineWhenTheSharedSchemaCannotBeMigrated() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar)
                .as("packaged worker (mvn package runs before the integration tests)")
                .exists();
        String database = TestNames.unique("broken_shared");
        try (Connection admin = infra().dataSource().getConnection();
                Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String url = infra().jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        try (Connection c = DriverManager.getConnection(url, infra().username(), infra().password());
                Statement s = c.createStatement()) {
            // A history that claims version 1 was applied with other contents: Flyway's validation fails.
            s.execute("""
                    CREATE TABLE worker_schema_history (installed_rank int PRIMARY KEY, version varchar(50),
                      description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL,
                      checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
                      execution_time int NOT NULL, success boolean NOT NULL)
                    """);
            s.execute("INSERT INTO worker_schema_history VALUES (1, '1', 'migration runs', 'SQL',"
                    + " 'V1__migration_runs.sql', 12345, 'someone', now(), 1, true)");
        }
        Path log = Files.createTempFile("worker-start", ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dquarkus.http.port=0",
                        "-jar",
                        jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("TENANTRY_DB_URL", url);
        builder.environment().put("TENANTRY_DB_USER", infra().username());
        builder.environment().put("TENANTRY_DB_PASSWORD", infra().password());
        builder.environment().put("TENANTRY_KAFKA_BOOTSTRAP", infra().kafkaBootstrapServers());
        // A key of its own, as deployed: without one the worker would refuse to start before migrating.
        Path publicKey = Files.createTempFile("issuer-public", ".pem");
        TestTokens.freshKeyPair(publicKey);
        builder.environment().put("TENANTRY_JWT_PUBLIC_KEY", publicKey.toString());
        Process worker = builder.start();
        worker.getOutputStream().close();
        try {
            assertThat(worker.waitFor(120, TimeUnit.SECONDS))
                    .as("worker exited")
                    .isTrue();
        } finally {
            worker.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(worker.exitValue()).isNotZero();
        assertThat(lines)
                .filteredOn(l -> l.contains("Shared-schema migration failed"))
                .hasSize(1)
                .first()
                .asString()
                .contains("worker_schema_history")
                .contains("Not starting");
    }
}
