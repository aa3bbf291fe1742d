package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.kafkabroker.KafkaBrokerLauncher;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KafkaLauncherContractTests {

    @Test
    void markersMatchTheLauncher() {
        assertEquals(KafkaBrokerLauncher.READY_MARKER, EmbeddedKafkaServer.READY_MARKER);
        assertEquals(KafkaBrokerLauncher.FAILED_MARKER, EmbeddedKafkaServer.FAILED_MARKER);
        // Compared as text: loading the launcher class here would need Kafka's server classes.
        assertEquals("dev.tenantry.kafkabroker.KafkaBrokerLauncher", EmbeddedKafkaServer.LAUNCHER_CLASS);
    }

    @Test
    void childClasspathStartsWithTheLauncherAndNamesExistingFiles() {
        String[] entries = EmbeddedKafkaServer.childClasspath().split(File.pathSeparator);
        assertTrue(entries.length > 10, "broker classpath too short: " + entries.length);
        assertTrue(entries[0].contains("embedded-kafka-broker"), entries[0]);
        for (String entry : entries) {
            assertTrue(Files.exists(Path.of(entry)), entry);
        }
        assertTrue(String.join(File.pathSeparator, entries).contains("kafka_2.13-"), "no Kafka server jar");
    }

    @Test
    void brokerClassesAreNotOnThisClasspath() {
        ClassLoader loader = getClass().getClassLoader();
        assertEquals(null, loader.getResource("kafka/server/KafkaRaftServer.class"));
        assertEquals(null, loader.getResource("scala/Option.class"));
    }
}
