package dev.tenantry.provisioning.messaging.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OutboxRecordsTests {

    @Test
    void anOutboxEventBecomesACloudEventsBinaryModeRecordWithoutJsonQuoting() {
        ChangeEvent<String, String> change = change(
                "tenant-lifecycle",
                "\"tenant-1\"",
                "\"{\\\"slug\\\": \\\"acme\\\", \\\"tenantId\\\": \\\"tenant-1\\\"}\"",
                List.of(
                        header("id", "\"e-1\""),
                        header("ce_id", "\"e-1\""),
                        header("ce_type", "\"t.v1\""),
                        header("ce_source", "\"urn:x\""),
                        header("ce_time", "\"2026-01-01T00:00:00Z\""),
                        header("ce_subject", "\"tenant-1\""),
                        header("ce_causationid", "null"),
                        header("ce_correlationid", "\"c-1\"")));

        OutboxRecords.Relayed relayed = OutboxRecords.toKafka(change).orElseThrow();
        ProducerRecord<String, byte[]> record = relayed.record();

        assertThat(relayed.id()).isEqualTo("e-1");
        assertThat(record.topic()).isEqualTo("tenant-lifecycle");
        assertThat(record.key()).isEqualTo("tenant-1");
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"slug\": \"acme\", \"tenantId\": \"tenant-1\"}");
        assertThat(StreamSupport.stream(record.headers().spliterator(), false).map(h -> h.key()))
                .containsExactly(
                        "ce_specversion",
                        "ce_id",
                        "ce_type",
                        "ce_source",
                        "ce_time",
                        "ce_subject",
                        "ce_correlationid",
                        "content-type");
        assertThat(new String(record.headers().lastHeader("ce_correlationid").value(), StandardCharsets.UTF_8))
                .isEqualTo("c-1");
    }

    @Test
    void heartbeatsAndOtherChangesAreNotRelayed() {
        assertThat(OutboxRecords.toKafka(
                        change("__debezium-heartbeat.x", "{\"serverName\":\"x\"}", "{\"ts_ms\":1}", List.of())))
                .isEmpty();
    }

    private static ChangeEvent<String, String> change(
            String destination, String key, String value, List<Header<String>> headers) {
        return new ChangeEvent<>() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public String value() {
                return value;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <H> List<Header<H>> headers() {
                return (List<Header<H>>) (List<?>) headers;
            }

            @Override
            public String destination() {
                return destination;
            }

            @Override
            public Integer partition() {
                return null;
            }
        };
    }

    private static Header<String> header(String key, String value) {
        return new Header<>() {
            @Override
            public String getKey() {
                return key;
            }

            @Override
            public String getValue() {
                return value;
            }
        };
    }
}
