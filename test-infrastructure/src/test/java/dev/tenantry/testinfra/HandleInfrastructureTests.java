package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandleInfrastructureTests {

    @Test
    void quarkusConfigPointsAtTheServersAndSwitchesDevServicesOff() {
        List<String> calls = new ArrayList<>();
        HandleInfrastructure infra = new HandleInfrastructure(Map.of(
                SharedInfrastructure.K_PROVIDER, "embedded",
                SharedInfrastructure.K_JDBC_URL, "jdbc:postgresql://127.0.0.1:5555/tenantry",
                SharedInfrastructure.K_USERNAME, "postgres",
                SharedInfrastructure.K_PASSWORD, "secret",
                SharedInfrastructure.K_KAFKA, "127.0.0.1:9999",
                SharedInfrastructure.K_CAN_RESTART, Boolean.TRUE,
                SharedInfrastructure.K_STOP_POSTGRES, (Runnable) () -> calls.add("stop"),
                SharedInfrastructure.K_START_POSTGRES, (Runnable) () -> calls.add("start"),
                SharedInfrastructure.K_SUMMARY, "embedded (test)"));

        Map<String, String> config = infra.quarkusConfig();
        assertEquals("postgresql", config.get("quarkus.datasource.db-kind"));
        assertEquals("jdbc:postgresql://127.0.0.1:5555/tenantry", config.get("quarkus.datasource.jdbc.url"));
        assertEquals("postgres", config.get("quarkus.datasource.username"));
        assertEquals("secret", config.get("quarkus.datasource.password"));
        assertEquals("127.0.0.1:9999", config.get("kafka.bootstrap.servers"));
        assertEquals("false", config.get("quarkus.devservices.enabled"));
        assertEquals("false", config.get("quarkus.datasource.devservices.enabled"));
        assertEquals("false", config.get("quarkus.kafka.devservices.enabled"));

        assertTrue(infra.canRestartPostgres());
        infra.stopPostgres();
        infra.startPostgres();
        assertEquals(List.of("stop", "start"), calls);
    }
}
