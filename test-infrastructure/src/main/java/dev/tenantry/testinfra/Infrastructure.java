package dev.tenantry.testinfra;

import java.util.Map;
import javax.sql.DataSource;

/**
 * A running PostgreSQL and Kafka for tests, whatever provides them (embedded processes,
 * Testcontainers, or servers given from outside).
 *
 * <p>Obtain the JVM-wide instance with {@link TenantryInfrastructure#get()}, as a JUnit
 * parameter with {@link RealInfrastructure}, or as Quarkus configuration with
 * {@link TenantryTestResource}.
 */
public interface Infrastructure {

    /** JDBC URL of the database reserved for this JVM, e.g. {@code jdbc:postgresql://127.0.0.1:5432/tenantry}. */
    String jdbcUrl();

    String username();

    String password();

    /** Kafka bootstrap servers, e.g. {@code 127.0.0.1:9092}. */
    String kafkaBootstrapServers();

    /** {@code embedded}, {@code testcontainers} or {@code external}. */
    String provider();

    /** A simple non-pooling data source for {@link #jdbcUrl()}; each call makes a new one. */
    DataSource dataSource();

    /** Whether {@link #stopPostgres()} and {@link #startPostgres()} are supported. */
    boolean canRestartPostgres();

    /**
     * Makes PostgreSQL unavailable until {@link #startPostgres()}: the embedded server is shut
     * down (fast mode), a container is paused. Data is kept.
     *
     * @throws UnsupportedOperationException for external servers
     */
    void stopPostgres();

    /**
     * Brings PostgreSQL back after {@link #stopPostgres()}, with the same URL and data.
     * Does nothing if it is running.
     *
     * @throws UnsupportedOperationException for external servers
     */
    void startPostgres();

    /**
     * Configuration for a Quarkus application under test: the datasource, Kafka, and every
     * Dev Service switched off.
     */
    Map<String, String> quarkusConfig();
}
