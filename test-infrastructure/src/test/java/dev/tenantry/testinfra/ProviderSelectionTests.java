package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ProviderSelectionTests {

    private final Map<String, String> settings = new HashMap<>();
    private final Function<String, Optional<String>> lookup = key -> Optional.ofNullable(settings.get(key));

    private String choose(boolean dockerHint, boolean dockerAvailable) {
        return ProviderSelection.choose(lookup, () -> dockerHint, () -> dockerAvailable).provider;
    }

    @Test
    void embeddedWithoutDockerOrExternalServers() {
        assertEquals("embedded", choose(false, false));
        assertEquals("embedded", choose(true, false));
    }

    @Test
    void testcontainersWhenDockerAnswers() {
        assertEquals("testcontainers", choose(true, true));
    }

    @Test
    void testcontainersIsNotAskedWithoutASignOfDocker() {
        AtomicBoolean asked = new AtomicBoolean();
        ProviderSelection.choose(lookup, () -> false, () -> {
            asked.set(true);
            return true;
        });
        assertFalse(asked.get());
    }

    @Test
    void externalWhenBothAddressesAreGiven() {
        settings.put(Settings.POSTGRES_URL, "jdbc:postgresql://db:5432/postgres");
        assertEquals("embedded", choose(false, false), "Kafka address missing");
        settings.put(Settings.KAFKA_BOOTSTRAP, "kafka:9092");
        assertEquals("external", choose(true, true));
    }

    @Test
    void forcedProviderWins() {
        settings.put(Settings.PROVIDER, "Embedded");
        assertEquals("embedded", choose(true, true));
        settings.put(Settings.PROVIDER, "testcontainers");
        assertEquals("testcontainers", choose(false, false));
    }

    @Test
    void forcedExternalNeedsAddresses() {
        settings.put(Settings.PROVIDER, "external");
        assertThrows(IllegalArgumentException.class, () -> choose(false, false));
    }

    @Test
    void unknownProviderIsRejected() {
        settings.put(Settings.PROVIDER, "docker");
        assertThrows(IllegalArgumentException.class, () -> choose(false, false));
    }

    @Test
    void environmentNames() {
        assertEquals("TENANTRY_TEST_PROVIDER", Settings.envName(Settings.PROVIDER));
        assertEquals("TENANTRY_TEST_POSTGRES_URL", Settings.envName(Settings.POSTGRES_URL));
        assertEquals("TENANTRY_TEST_KAFKA_BOOTSTRAP", Settings.envName(Settings.KAFKA_BOOTSTRAP));
    }

    @Test
    void jdbcUrlGetsTheDatabaseOfThisJvm() {
        assertEquals(
                "jdbc:postgresql://db:5432/tenantry_it_x",
                ExternalInfrastructure.withDatabase("jdbc:postgresql://db:5432/postgres", "tenantry_it_x"));
        assertEquals(
                "jdbc:postgresql://db/tenantry_it_x?sslmode=require",
                ExternalInfrastructure.withDatabase("jdbc:postgresql://db?sslmode=require", "tenantry_it_x"));
        assertEquals(
                "jdbc:postgresql://h1:5432,h2:5432/tenantry_it_x?targetServerType=primary",
                ExternalInfrastructure.withDatabase(
                        "jdbc:postgresql://h1:5432,h2:5432/app?targetServerType=primary", "tenantry_it_x"));
        assertThrows(
                IllegalArgumentException.class, () -> ExternalInfrastructure.withDatabase("jdbc:mysql://db/x", "y"));
    }
}
