package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RealInfrastructure
class ExtensionIT {

    private static Infrastructure fromBeforeAll;
    private final Infrastructure fromConstructor;

    ExtensionIT(Infrastructure infra) {
        this.fromConstructor = infra;
    }

    @BeforeAll
    static void beforeAll(Infrastructure infra) {
        fromBeforeAll = infra;
    }

    @Test
    void injectsTheOneInstanceOfThisJvm(Infrastructure infra) throws Exception {
        assertSame(TenantryInfrastructure.get(), infra);
        assertSame(infra, fromConstructor);
        assertSame(infra, fromBeforeAll);
        assertTrue(TenantryInfrastructure.isStarted());
        assertTrue(java.util.List.of("embedded", "testcontainers", "external").contains(infra.provider()));
        try (Connection c = infra.dataSource().getConnection()) {
            assertTrue(c.isValid(5));
        }
    }

    @Test
    void quarkusTestResourceHandsOverTheSameServers(Infrastructure infra) {
        TenantryTestResource resource = new TenantryTestResource();
        Map<String, String> config = resource.start();
        resource.stop();
        assertEquals(infra.jdbcUrl(), config.get("quarkus.datasource.jdbc.url"));
        assertEquals(infra.kafkaBootstrapServers(), config.get("kafka.bootstrap.servers"));
        assertEquals("false", config.get("quarkus.devservices.enabled"));
        assertNotNull(config.get("quarkus.datasource.username"));
        // stop() must not have stopped anything.
        assertTrue(TenantryInfrastructure.isStarted());
    }
}
