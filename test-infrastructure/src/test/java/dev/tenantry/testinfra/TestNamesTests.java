package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TestNamesTests {

    /** Unquoted PostgreSQL identifier in lower case; also a legal Kafka topic and group name. */
    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    @Test
    void namesArePrefixUnderscoreAndEightLowerCaseCharacters() {
        String name = TestNames.unique("orders");
        assertTrue(name.matches("orders_[a-z0-9]{8}"), name);
    }

    @Test
    void namesAreDistinct() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            assertTrue(names.add(TestNames.unique("t")), "duplicate after " + i);
        }
    }

    @Test
    void awkwardPrefixesGiveValidNames() {
        for (String prefix :
                new String[] {"Tenant-Commands.DLQ", "", "123abc", "_x", "Ünïcode prefix", "a".repeat(200), null}) {
            String name = TestNames.unique(prefix);
            assertTrue(VALID.matcher(name).matches(), prefix + " -> " + name);
            assertTrue(name.length() <= 63, name);
        }
        assertTrue(TestNames.unique("Tenant-Commands.DLQ").startsWith("tenant_commands_dlq_"));
    }

    @Test
    void longPrefixIsCutToFitPostgresIdentifierLimit() {
        String name = TestNames.unique("x".repeat(100));
        assertEquals(63, name.length());
    }
}
