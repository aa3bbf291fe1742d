package dev.tenantry.testinfra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** {@link Infrastructure} over the JDK-typed description kept by {@link SharedInfrastructure}. */
final class HandleInfrastructure implements Infrastructure {

    private final Map<String, Object> handle;

    HandleInfrastructure(Map<String, Object> handle) {
        this.handle = Objects.requireNonNull(handle);
    }

    private String text(String key) {
        return (String) handle.get(key);
    }

    @Override
    public String jdbcUrl() {
        return text(SharedInfrastructure.K_JDBC_URL);
    }

    @Override
    public String username() {
        return text(SharedInfrastructure.K_USERNAME);
    }

    @Override
    public String password() {
        return text(SharedInfrastructure.K_PASSWORD);
    }

    @Override
    public String kafkaBootstrapServers() {
        return text(SharedInfrastructure.K_KAFKA);
    }

    @Override
    public String provider() {
        return text(SharedInfrastructure.K_PROVIDER);
    }

    @Override
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl());
        if (username() != null) {
            ds.setUser(username());
        }
        if (password() != null) {
            ds.setPassword(password());
        }
        return ds;
    }

    @Override
    public boolean canRestartPostgres() {
        return Boolean.TRUE.equals(handle.get(SharedInfrastructure.K_CAN_RESTART));
    }

    @Override
    public void stopPostgres() {
        ((Runnable) handle.get(SharedInfrastructure.K_STOP_POSTGRES)).run();
    }

    @Override
    public void startPostgres() {
        ((Runnable) handle.get(SharedInfrastructure.K_START_POSTGRES)).run();
    }

    @Override
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.db-kind", "postgresql");
        config.put("quarkus.datasource.jdbc.url", jdbcUrl());
        if (username() != null) {
            config.put("quarkus.datasource.username", username());
        }
        if (password() != null) {
            config.put("quarkus.datasource.password", password());
        }
        config.put("kafka.bootstrap.servers", kafkaBootstrapServers());
        config.put("quarkus.devservices.enabled", "false");
        config.put("quarkus.datasource.devservices.enabled", "false");
        config.put("quarkus.kafka.devservices.enabled", "false");
        return config;
    }

    /** e.g. "embedded (PostgreSQL 17.11 ready in 1.4 s, Kafka ready in 3.8 s; ...)". */
    String summary() {
        return text(SharedInfrastructure.K_SUMMARY);
    }

    @Override
    public String toString() {
        return "Infrastructure[" + provider() + ", " + jdbcUrl() + ", kafka " + kafkaBootstrapServers() + "]";
    }
}
