package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A broker stopped and started again on the data directory it formatted: the local stack keeps
 * its Kafka data across {@code ./tenantry down} and {@code up}. Kafka refuses to format a
 * directory recorded under another cluster id, and to start one recorded for another node id.
 */
class KafkaRestartOnKeptDataIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STARTUP = Duration.ofSeconds(180);

    @Test
    void aRecordWrittenBeforeAStopIsReadAfterAStartOnTheSameDirectory() throws Exception {
        Path data =
                Path.of("target", "kafka-restart-it", TestNames.unique("data")).toAbsolutePath();
        FileTrees.deleteRecursively(data);
        String topic = TestNames.unique("kept");
        byte[] value = "{\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
        int firstControllerPort = FreePorts.find();

        // A node id other than the default, to show that the recorded one is reused as well.
        EmbeddedKafkaServer first = EmbeddedKafkaServer.builder()
                .dataDirectory(data)
                .cleanDataDirectory(false)
                .startupTimeout(STARTUP)
                .controllerPort(firstControllerPort)
                .brokerProperty("node.id", "7")
                .brokerProperty("controller.quorum.voters", "7@" + EmbeddedKafkaServer.HOST + ":" + firstControllerPort)
                .build();
        String clusterId;
        try {
            first.start();
            clusterId = first.clusterId().orElseThrow();
            try (TestKafka kafka = new TestKafka(first.bootstrapServers())) {
                kafka.createTopic(topic, 1);
                kafka.producer()
                        .send(new ProducerRecord<>(topic, "tenant-acme", value))
                        .get();
            }
        } finally {
            first.stop();
        }
        assertFalse(first.isRunning());

        // A new server object, as after a restart of the local stack: other ports, same directory,
        // no cluster id or node id given.
        try (EmbeddedKafkaServer second = EmbeddedKafkaServer.builder()
                .dataDirectory(data)
                .cleanDataDirectory(false)
                .startupTimeout(STARTUP)
                .build()) {
            second.start();
            assertEquals(clusterId, second.clusterId().orElseThrow());
            assertEquals("7", second.brokerProperties().get("node.id"));
            try (TestKafka kafka = new TestKafka(second.bootstrapServers())) {
                List<ConsumerRecord<String, byte[]>> records = kafka.consume(topic, 1, TIMEOUT);
                assertEquals(1, records.size());
                assertEquals("tenant-acme", records.get(0).key());
                assertArrayEquals(value, records.get(0).value());
            }

            // The same server object stopped and started again keeps its data too.
            second.stop();
            second.start();
            try (TestKafka kafka = new TestKafka(second.bootstrapServers())) {
                assertEquals(1, kafka.consume(topic, 1, TIMEOUT).size());
            }
        } finally {
            FileTrees.deleteRecursively(data);
        }
    }
}
