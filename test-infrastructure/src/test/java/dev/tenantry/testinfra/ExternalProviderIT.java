package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The external provider, pointed at the servers of this JVM as if they were someone else's. */
@RealInfrastructure
class ExternalProviderIT {

    private final Map<String, String> saved = new HashMap<>();

    private void set(String key, String value) {
        saved.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void eachJvmGetsAFreshDatabaseThatIsDroppedAtExit(Infrastructure infra) throws SQLException {
        assumeTrue(infra.provider().equals("embedded"), "needs servers this test may create databases on");
        String adminUrl = ExternalInfrastructure.withDatabase(infra.jdbcUrl(), "postgres");
        set(Settings.POSTGRES_URL, adminUrl);
        set(Settings.POSTGRES_USER, infra.username());
        set(Settings.POSTGRES_PASSWORD, infra.password());
        set(Settings.KAFKA_BOOTSTRAP, infra.kafkaBootstrapServers());

        ExternalInfrastructure external = ExternalInfrastructure.start();
        String database = external.jdbcUrl().substring(external.jdbcUrl().lastIndexOf('/') + 1);
        assertTrue(database.matches("tenantry_it_[a-z0-9]{8}"), database);
        assertEquals(infra.kafkaBootstrapServers(), external.kafkaBootstrapServers());
        assertFalse(external.canRestartPostgres());
        assertThrows(UnsupportedOperationException.class, external::stopPostgres);
        try (Connection c =
                ExternalInfrastructure.connect(external.jdbcUrl(), external.username(), external.password())) {
            assertEquals(database, c.getCatalog());
            // A replication slot in the database must not keep it from being dropped.
            c.createStatement().execute("SELECT pg_create_logical_replication_slot('" + database + "', 'pgoutput')");
        }

        external.close();
        try (Connection c = ExternalInfrastructure.connect(adminUrl, infra.username(), infra.password())) {
            assertFalse(Databases.exists(c, database), "database not dropped");
        }
    }
}
