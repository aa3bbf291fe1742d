package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.RolloutEvent;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantryEvent;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CloudEventCodecRoundTripTests {

    private final CloudEventCodec codec = new CloudEventCodec();

    @Test
    void samplesCoverEveryEventTypeExactlyOnce() {
        List<EventType> sampled = SampleEvents.all().stream().map(EventType::of).toList();
        assertThat(sampled).containsExactlyInAnyOrder(EventType.values());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventRoundTripsThroughKafkaHeadersAndBytes(EventType type) {
        EventEnvelope<TenantryEvent> sent =
                SampleEvents.envelope(type).withCausation(SampleEvents.envelope(EventType.CREATE_TENANT));
        Headers headers = new RecordHeaders();
        codec.writeHeaders(sent, headers);
        byte[] value = codec.encodeData(sent.data());

        EventEnvelope<TenantryEvent> received = codec.decode(headers, value);

        assertThat(received).isEqualTo(sent);
        assertThat(received.data()).isInstanceOf(type.eventClass());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventRoundTripsThroughTheKafkaSerde(EventType type) {
        EventEnvelope<TenantryEvent> sent = SampleEvents.envelope(type);
        Headers headers = new RecordHeaders();
        String topic = type.topics().get(0);
        try (CloudEventSerializer serializer = new CloudEventSerializer();
                CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            byte[] bytes = serializer.serialize(topic, headers, sent);
            assertThat(deserializer.deserialize(topic, headers, bytes)).isEqualTo(sent);
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventRoundTripsThroughStructuredJson(EventType type) {
        EventEnvelope<TenantryEvent> sent = SampleEvents.envelope(type).withCorrelation("workflow-1");
        assertThat(codec.fromStructuredJson(codec.toStructuredJson(sent))).isEqualTo(sent);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventRoundTripsThroughTextHeaders(EventType type) {
        EventEnvelope<TenantryEvent> sent = SampleEvents.envelope(type);
        assertThat(codec.decode(codec.headerMap(sent), codec.encodeData(sent.data())))
                .isEqualTo(sent);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void jsonPropertiesAreExactlyTheRecordComponents(EventType type) throws Exception {
        JsonNode json = new ObjectMapper().readTree(codec.encodeData(SampleEvents.of(type)));
        Set<String> components = Arrays.stream(type.eventClass().getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toSet());
        Set<String> properties = new java.util.HashSet<>();
        json.fieldNames().forEachRemaining(properties::add);
        assertThat(properties).isEqualTo(components);
    }

    @Test
    void recordCarriesSubjectAsKeyAndAllCloudEventHeaders() {
        EventEnvelope<TenantryEvent> sent = SampleEvents.envelope(EventType.TENANT_REQUESTED)
                .withCausation(SampleEvents.envelope(EventType.CREATE_TENANT));
        ProducerRecord<String, byte[]> record = codec.toRecord(Topics.TENANT_MIGRATION_REQUESTS, sent);

        assertThat(record.topic()).isEqualTo(Topics.TENANT_MIGRATION_REQUESTS);
        assertThat(record.key()).isEqualTo(SampleEvents.TENANT_ID);
        assertThat(header(record.headers(), "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record.headers(), "ce_id")).isEqualTo(sent.id());
        assertThat(header(record.headers(), "ce_type")).isEqualTo("tenantry.tenant.requested.v1");
        assertThat(header(record.headers(), "ce_source")).isEqualTo("urn:tenantry:test");
        assertThat(header(record.headers(), "ce_subject")).isEqualTo(SampleEvents.TENANT_ID);
        assertThat(header(record.headers(), "ce_causationid")).isEqualTo(sent.causationId());
        assertThat(header(record.headers(), "ce_correlationid")).isEqualTo(sent.correlationId());
        assertThat(header(record.headers(), "content-type")).isEqualTo("application/json");
        assertThat(codec.decode(record.headers(), record.value())).isEqualTo(sent);
    }

    @Test
    void optionalCausationHeadersAreOmittedWhenAbsentAndClearedWhenRewritten() {
        EventEnvelope<TenantryEvent> caused = SampleEvents.envelope(EventType.TENANT_ACTIVATED)
                .withCausation(SampleEvents.envelope(EventType.TENANT_MIGRATED));
        EventEnvelope<TenantryEvent> plain = SampleEvents.envelope(EventType.TENANT_ACTIVATED);
        Headers headers = new RecordHeaders();
        codec.writeHeaders(caused, headers);
        codec.writeHeaders(plain, headers);

        assertThat(headers.lastHeader("ce_causationid")).isNull();
        assertThat(headers.lastHeader("ce_correlationid")).isNull();
        assertThat(headers.headers("ce_id")).hasSize(1);
        assertThat(codec.decode(headers, codec.encodeData(plain.data()))).isEqualTo(plain);
    }

    @Test
    void timeHeaderIsRfc3339WithSecondsEvenWhenZero() {
        OffsetDateTime onTheMinute = OffsetDateTime.of(2026, 1, 2, 3, 4, 0, 0, ZoneOffset.UTC);
        EventEnvelope<TenantryEvent> sent =
                SampleEvents.envelope(EventType.TENANT_ACTIVATED).withTime(onTheMinute);
        assertThat(codec.headerMap(sent)).containsEntry("ce_time", "2026-01-02T03:04:00Z");

        OffsetDateTime withOffset = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHours(2));
        EventEnvelope<TenantryEvent> offset = sent.withTime(withOffset);
        assertThat(codec.headerMap(offset)).containsEntry("ce_time", "2026-01-02T03:04:05.123456+02:00");
        assertThat(codec.decode(codec.headerMap(offset), codec.encodeData(offset.data()))
                        .time())
                .isEqualTo(withOffset);
    }

    @Test
    void headerValuesQuotedAsJsonStringsAreUnquoted() {
        EventEnvelope<TenantryEvent> sent =
                SampleEvents.envelope(EventType.TENANT_REQUESTED).withCorrelation("corr-1");
        Headers quoted = new RecordHeaders();
        codec.headerMap(sent)
                .forEach((name, value) -> quoted.add(name, ("\"" + value + "\"").getBytes(StandardCharsets.UTF_8)));

        assertThat(codec.decode(quoted, codec.encodeData(sent.data()))).isEqualTo(sent);
    }

    @Test
    void textHeadersMatchCaseInsensitivelyAndAcceptHttpStyleNames() {
        EventEnvelope<TenantryEvent> sent = SampleEvents.envelope(EventType.TENANT_UPGRADED);
        Map<String, String> http = new LinkedHashMap<>();
        codec.headerMap(sent).forEach((name, value) -> http.put(name.replace("ce_", "Ce-"), value));

        assertThat(codec.decode(http, codec.encodeData(sent.data()))).isEqualTo(sent);
    }

    @Test
    void unknownDataPropertiesAreIgnored() throws Exception {
        EventEnvelope<TenantryEvent> sent = SampleEvents.envelope(EventType.TENANT_MIGRATED);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode data = (ObjectNode) mapper.readTree(codec.encodeData(sent.data()));
        data.put("addedInALaterVersion", "x");
        data.putObject("nested").put("a", 1);

        EventEnvelope<TenantryEvent> received = codec.decode(codec.headerMap(sent), mapper.writeValueAsBytes(data));

        assertThat(received).isEqualTo(sent);
    }

    @Test
    void absentOptionalPropertiesAreLeftOutAndReadBackAsNull() throws Exception {
        TenantMigrated fresh = new TenantMigrated(
                SampleEvents.TENANT_ID,
                SampleEvents.SCHEMA,
                dev.tenantry.contracts.tenant.MigrationKind.NEW,
                null,
                "3",
                3,
                10);
        JsonNode json = new ObjectMapper().readTree(codec.encodeData(fresh));

        assertThat(json.has("fromVersion")).isFalse();
        assertThat(json.get("kind").asText()).isEqualTo("new");
        EventEnvelope<TenantMigrated> sent = EventEnvelope.create(SampleEvents.SOURCE, fresh);
        assertThat(codec.decode(codec.headerMap(sent), codec.encodeData(fresh)).data())
                .isEqualTo(fresh);
    }

    @Test
    void structuredJsonCarriesAllAttributes() throws Exception {
        EventEnvelope<TenantryEvent> sent = SampleEvents.envelope(EventType.TENANT_ACTIVATED)
                .withCausation(SampleEvents.envelope(EventType.TENANT_MIGRATED));
        JsonNode json = new ObjectMapper().readTree(codec.toStructuredJson(sent));

        assertThat(json.get("specversion").asText()).isEqualTo("1.0");
        assertThat(json.get("id").asText()).isEqualTo(sent.id());
        assertThat(json.get("type").asText()).isEqualTo("tenantry.tenant.activated.v1");
        assertThat(json.get("source").asText()).isEqualTo("urn:tenantry:test");
        assertThat(json.get("time").asText()).isEqualTo(CloudEventCodec.formatTime(sent.time()));
        assertThat(json.get("subject").asText()).isEqualTo(SampleEvents.TENANT_ID);
        assertThat(json.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(json.get("causationid").asText()).isEqualTo(sent.causationId());
        assertThat(json.get("correlationid").asText()).isEqualTo(sent.correlationId());
        assertThat(json.get("data").get("version").asText()).isEqualTo("3");
    }

    @Test
    void structuredJsonOmitsAbsentExtensions() throws Exception {
        JsonNode json =
                new ObjectMapper().readTree(codec.toStructuredJson(SampleEvents.envelope(EventType.TENANT_ACTIVATED)));
        assertThat(json.has("causationid")).isFalse();
        assertThat(json.has("correlationid")).isFalse();
    }

    @Test
    void subjectIsTheTenantIdExceptForCreateTenantRejectionsAndRollouts() {
        for (TenantryEvent event : SampleEvents.all()) {
            if (event instanceof CreateTenant create) {
                assertThat(event.subject()).isEqualTo(create.slug());
            } else if (event instanceof TenantRequestRejected) {
                assertThat(event.subject()).isEqualTo(SampleEvents.SLUG);
            } else if (event instanceof RolloutEvent rollout) {
                assertThat(event.subject()).isEqualTo(rollout.rolloutId()).isEqualTo(SampleEvents.ROLLOUT_ID);
            } else {
                assertThat(event.subject()).as(event.getClass().getSimpleName()).isEqualTo(SampleEvents.TENANT_ID);
            }
        }
        assertThat(new TenantRequestRejected("cmd-1", "DeleteTenant", null, "unknown tenant").subject())
                .isEqualTo("cmd-1");
    }

    @Test
    void sendingAnEventToAnotherTenantryTopicIsRefused() {
        EventEnvelope<TenantryEvent> requested = SampleEvents.envelope(EventType.TENANT_REQUESTED);
        assertThatThrownBy(() -> codec.toRecord(Topics.TENANT_LIFECYCLE, requested))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TenantRequested")
                .hasMessageContaining(Topics.TENANT_LIFECYCLE);
        try (CloudEventSerializer serializer = new CloudEventSerializer()) {
            assertThatThrownBy(() -> serializer.serialize(Topics.TENANT_COMMANDS, new RecordHeaders(), requested))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        // dead-letter and other topics are not restricted
        assertThat(codec.toRecord(Topics.deadLetter(Topics.TENANT_MIGRATION_REQUESTS, "migration-worker"), requested)
                        .key())
                .isEqualTo(SampleEvents.TENANT_ID);
    }

    @Test
    void tenantDeletedMayBeSentOnResultsAndLifecycle() {
        EventEnvelope<TenantryEvent> deleted = SampleEvents.envelope(EventType.TENANT_DELETED);
        assertThat(codec.toRecord(Topics.TENANT_MIGRATION_RESULTS, deleted).topic())
                .isEqualTo(Topics.TENANT_MIGRATION_RESULTS);
        assertThat(codec.toRecord(Topics.TENANT_LIFECYCLE, deleted).topic()).isEqualTo(Topics.TENANT_LIFECYCLE);
    }

    @Test
    void serializerWritesNullEnvelopeAsTombstone() {
        try (CloudEventSerializer serializer = new CloudEventSerializer()) {
            assertThat(serializer.serialize(Topics.TENANT_LIFECYCLE, new RecordHeaders(), null))
                    .isNull();
            assertThatThrownBy(() -> serializer.serialize(
                            Topics.TENANT_LIFECYCLE, SampleEvents.envelope(EventType.TENANT_ACTIVATED)))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void recordsWorkWithAPlainObjectMapperToo() throws Exception {
        ObjectMapper plain = new ObjectMapper();
        TenantRequested requested =
                new TenantRequested(SampleEvents.TENANT_ID, SampleEvents.SLUG, SampleEvents.SCHEMA, null);
        String json = plain.writeValueAsString(requested);
        assertThat(json)
                .doesNotContain("targetVersion")
                .doesNotContain("subject")
                .doesNotContain("eventType");
        assertThat(plain.readValue(
                        "{\"tenantId\":\"t\",\"slug\":\"acme\",\"schema\":\"tenant_acme\","
                                + "\"version\":\"2\",\"future\":true}",
                        TenantActivated.class))
                .isEqualTo(new TenantActivated("t", "acme", "tenant_acme", "2"));
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
