package dev.tenantry.testinfra;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL and Kafka in containers, where a Docker engine is reachable. Images:
 * {@code TENANTRY_TEST_POSTGRES_IMAGE} (default {@value #DEFAULT_POSTGRES_IMAGE}) and
 * {@code TENANTRY_TEST_KAFKA_IMAGE} (default {@value #DEFAULT_KAFKA_IMAGE}). Stopping
 * PostgreSQL pauses its container, which keeps the mapped port and the data.
 */
final class ContainerInfrastructure implements RunningInfrastructure {

    static final String DEFAULT_POSTGRES_IMAGE = "postgres:17-alpine";
    static final String DEFAULT_KAFKA_IMAGE = "apache/kafka:4.1.1";

    private final PostgreSQLContainer postgres;
    private final KafkaContainer kafka;
    private final String url;
    private final String summary;
    private boolean paused;

    private ContainerInfrastructure(PostgreSQLContainer postgres, KafkaContainer kafka, String url, String summary) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.url = url;
        this.summary = summary;
    }

    @SuppressWarnings("resource")
    static ContainerInfrastructure start() {
        PostgreSQLContainer postgres = new PostgreSQLContainer(DockerImageName.parse(
                                Settings.get(Settings.POSTGRES_IMAGE).orElse(DEFAULT_POSTGRES_IMAGE))
                        .asCompatibleSubstituteFor("postgres"))
                .withCommand(
                        "postgres",
                        "-c",
                        "wal_level=logical",
                        "-c",
                        "max_replication_slots=20",
                        "-c",
                        "max_wal_senders=20",
                        "-c",
                        "max_connections=200",
                        "-c",
                        "max_locks_per_transaction=256");
        KafkaContainer kafka = new KafkaContainer(
                        DockerImageName.parse(Settings.get(Settings.KAFKA_IMAGE).orElse(DEFAULT_KAFKA_IMAGE))
                                .asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_NUM_PARTITIONS", "4");

        long begin = System.nanoTime();
        CompletableFuture<Long> pg = CompletableFuture.supplyAsync(
                () -> {
                    postgres.start();
                    return System.nanoTime();
                },
                EmbeddedInfrastructure.daemonThread("tenantry-start-postgres-container"));
        CompletableFuture<Long> kf = CompletableFuture.supplyAsync(
                () -> {
                    kafka.start();
                    return System.nanoTime();
                },
                EmbeddedInfrastructure.daemonThread("tenantry-start-kafka-container"));
        long pgReady;
        long kafkaReady;
        try {
            pgReady = pg.join();
            kafkaReady = kf.join();
        } catch (RuntimeException e) {
            pg.handle((v, t) -> null).join();
            kf.handle((v, t) -> null).join();
            postgres.stop();
            kafka.stop();
            throw e;
        }

        String database = TestNames.unique("tenantry_it");
        String version;
        try (Connection c =
                ExternalInfrastructure.connect(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword())) {
            version = Databases.show(c, "server_version");
            Databases.createIfMissing(c, database);
        } catch (SQLException e) {
            postgres.stop();
            kafka.stop();
            throw new IllegalStateException("could not create the test database in the PostgreSQL container", e);
        }
        String summary = String.format(
                Locale.ROOT,
                "testcontainers (PostgreSQL %s ready in %.1f s, Kafka ready in %.1f s)",
                version,
                (pgReady - begin) / 1e9,
                (kafkaReady - begin) / 1e9);
        return new ContainerInfrastructure(
                postgres, kafka, ExternalInfrastructure.withDatabase(postgres.getJdbcUrl(), database), summary);
    }

    @Override
    public String provider() {
        return ProviderSelection.TESTCONTAINERS;
    }

    @Override
    public String jdbcUrl() {
        return url;
    }

    @Override
    public String username() {
        return postgres.getUsername();
    }

    @Override
    public String password() {
        return postgres.getPassword();
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public boolean canRestartPostgres() {
        return true;
    }

    @Override
    public synchronized void stopPostgres() {
        if (!paused) {
            DockerClientFactory.instance()
                    .client()
                    .pauseContainerCmd(postgres.getContainerId())
                    .exec();
            paused = true;
        }
    }

    @Override
    public synchronized void startPostgres() {
        if (paused) {
            DockerClientFactory.instance()
                    .client()
                    .unpauseContainerCmd(postgres.getContainerId())
                    .exec();
            paused = false;
        }
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public synchronized void close() {
        try {
            startPostgres();
        } catch (RuntimeException e) {
            // Stopped anyway below.
        }
        kafka.stop();
        postgres.stop();
    }
}
