package dev.tenantry.testinfra;

/** What a provider started; owned by {@link SharedInfrastructure}, closed at JVM exit. */
interface RunningInfrastructure extends AutoCloseable {

    String provider();

    String jdbcUrl();

    String username();

    String password();

    String kafkaBootstrapServers();

    boolean canRestartPostgres();

    void stopPostgres();

    void startPostgres();

    /** One line for the log, e.g. "embedded (PostgreSQL 17.11 ready in 1.4 s, Kafka ready in 3.8 s)". */
    String summary();

    @Override
    void close();
}
