package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

@RealInfrastructure
class KafkaRoundTripIT {

    @Test
    void recordWithHeadersRoundTripsThroughAFreshTopic(Infrastructure infra) throws Exception {
        try (TestKafka kafka = new TestKafka(infra.kafkaBootstrapServers())) {
            String topic = TestNames.unique("round_trip");
            kafka.createTopic(topic, 3);

            RecordHeaders headers = new RecordHeaders();
            headers.add("ce_type", "dev.tenantry.TenantRequested".getBytes(StandardCharsets.UTF_8));
            headers.add("ce_id", "42".getBytes(StandardCharsets.UTF_8));
            byte[] value = "{\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
            kafka.producer()
                    .send(new ProducerRecord<>(topic, null, "tenant-acme", value, headers))
                    .get();

            List<ConsumerRecord<String, byte[]>> records = kafka.consume(topic, 1, Duration.ofSeconds(30));
            ConsumerRecord<String, byte[]> record = records.get(0);
            assertEquals("tenant-acme", record.key());
            assertArrayEquals(value, record.value());
            assertEquals(
                    "dev.tenantry.TenantRequested",
                    new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8));
            assertEquals("42", new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void awaitRecordFindsAMatchAmongOthers(Infrastructure infra) throws Exception {
        try (TestKafka kafka = new TestKafka(infra.kafkaBootstrapServers())) {
            String topic = TestNames.unique("await");
            kafka.createTopic(topic, 2);
            var producer = kafka.producer();
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, new byte[] {(byte) i}));
            }
            producer.flush();
            ConsumerRecord<String, byte[]> found =
                    kafka.awaitRecord(topic, r -> "k17".equals(r.key()), Duration.ofSeconds(30));
            assertArrayEquals(new byte[] {17}, found.value());
            assertEquals(20, kafka.consume(topic, 20, Duration.ofSeconds(30)).size());
        }
    }

    @Test
    void topicsAreCreatedAutomaticallyWithFourPartitions(Infrastructure infra) throws Exception {
        try (TestKafka kafka = new TestKafka(infra.kafkaBootstrapServers())) {
            String topic = TestNames.unique("auto");
            kafka.producer().send(new ProducerRecord<>(topic, "k", new byte[0])).get();
            assertEquals(1, kafka.consume(topic, 1, Duration.ofSeconds(30)).size());
            if (infra.provider().equals("embedded")) {
                try (var consumer = kafka.newConsumer()) {
                    assertEquals(4, consumer.partitionsFor(topic).size());
                }
            }
        }
    }
}
