package dev.tenantry.kafkabroker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The classpath written into this jar is what a test JVM uses to launch the broker: it must be whole. */
class BrokerClasspathTests {

    private static List<String> entries() throws IOException {
        try (InputStream in =
                BrokerClasspathTests.class.getClassLoader().getResourceAsStream("tenantry/kafka-broker.classpath")) {
            assertNotNull(in, "tenantry/kafka-broker.classpath is generated at build time");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return Arrays.asList(text.split(File.pathSeparator));
        }
    }

    @Test
    void everyClasspathEntryExistsOnDisk() throws IOException {
        List<String> entries = entries();
        assertFalse(entries.isEmpty());
        for (String entry : entries) {
            assertTrue(Files.exists(Path.of(entry)), "missing classpath entry " + entry);
        }
    }

    @Test
    void theClasspathCarriesTheBrokerAndALoggingBinding() throws IOException {
        List<String> names =
                entries().stream().map(e -> Path.of(e).getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("kafka_2.13-")), "kafka_2.13 in " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("kafka-server-")), "kafka-server in " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("slf4j-simple-")), "slf4j-simple in " + names);
    }

    @Test
    void theLauncherIsAMainClass() throws Exception {
        assertNotNull(KafkaBrokerLauncher.class.getMethod("main", String[].class));
    }
}
