package dev.tenantry.support.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.support.messaging.RetryPolicy;
import dev.tenantry.support.messaging.TestChannel;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.RealInfrastructure;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead letters written by the real consumer loop on real Kafka carry exactly the headers the
 * AsyncAPI document of the contracts module describes for them, and the document says which
 * failures are dead-lettered.
 */
@RealInfrastructure
class DeadLetterContractIT {

    private static final RetryPolicy NO_RETRY = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    private static JsonNode deadLetterChannel;
    private static JsonNode deadLetterHeaders;

    @BeforeAll
    static void readTheDocument() throws Exception {
        try (InputStream in = DeadLetterContractIT.class.getClassLoader().getResourceAsStream("asyncapi.yaml")) {
            assertThat(in).as("asyncapi.yaml of the contracts module").isNotNull();
            JsonNode doc = new YAMLMapper().readTree(in);
            deadLetterChannel = doc.path("channels").path("deadLetter");
            deadLetterHeaders = doc.path("components")
                    .path("messages")
                    .path("DeadLetteredRecord")
                    .path("headers");
        }
    }

    @Test
    void aPermanentFailureAndItsReplayThatFailedAgainCarryTheDocumentedHeaders(Infrastructure infra) throws Exception {
        assertThat(deadLetterChannel.path("description").asText()).contains("failed permanently");
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "contract");
                TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {
                    throw new IllegalStateException("refused");
                })) {
            EventEnvelope<TenantRollbackRequested> event = bed.send();
            ConsumerRecord<String, byte[]> letter = bed.await(bed.deadLetterTopic, event.id(), null);
            assertThat(ConsumerTestbed.header(letter, "dlq-reason")).startsWith("permanent failure: ");
            assertMatchesTheDocument(letter);

            bed.admin(3).replay(new ReplayRequest(null, event.id(), null, null, null, null, null));
            ConsumerRecord<String, byte[]> again = bed.await(bed.deadLetterTopic, event.id(), "1");
            assertThat(names(again, "tenantry-")).isNotEmpty();
            assertMatchesTheDocument(again);
        }
    }

    @Test
    void anUndecodableRecordCarriesTheDocumentedHeaders(Infrastructure infra) throws Exception {
        try (ConsumerTestbed bed = new ConsumerTestbed(infra, "contract_garbage");
                TestChannel consumer = bed.consumer(NO_RETRY, (e, r) -> {})) {
            bed.kafka
                    .producer()
                    .send(new ProducerRecord<>(bed.topic, "key", "not an event".getBytes(StandardCharsets.UTF_8)))
                    .get();
            ConsumerRecord<String, byte[]> letter =
                    bed.kafka.awaitRecord(bed.deadLetterTopic, r -> true, Duration.ofSeconds(30));
            assertThat(ConsumerTestbed.header(letter, "dlq-reason")).startsWith("undecodable record (MISSING_HEADER)");
            assertMatchesTheDocument(letter);
        }
    }

    private static void assertMatchesTheDocument(ConsumerRecord<String, byte[]> letter) {
        Set<String> documented = new TreeSet<>();
        deadLetterHeaders.path("properties").fieldNames().forEachRemaining(documented::add);
        Set<String> required = new TreeSet<>();
        deadLetterHeaders.path("required").forEach(name -> required.add(name.asText()));

        assertThat(required)
                .as("the document names the dlq-* headers as required")
                .isNotEmpty()
                .allMatch(documented::contains);
        assertThat(names(letter, "dlq-"))
                .as("dlq-* headers of a real dead letter")
                .isEqualTo(required);
        assertThat(documented)
                .as("every dlq-* header the document describes is on the record")
                .filteredOn(name -> name.startsWith("dlq-"))
                .containsExactlyInAnyOrderElementsOf(names(letter, "dlq-"));
        assertThat(documented)
                .as("the record's tenantry-* headers are documented")
                .containsAll(names(letter, "tenantry-"));
    }

    private static Set<String> names(ConsumerRecord<String, byte[]> record, String prefix) {
        Set<String> names = new HashSet<>();
        for (Header header : record.headers()) {
            if (header.key().startsWith(prefix)) {
                names.add(header.key());
            }
        }
        return new TreeSet<>(names);
    }
}
