package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.contracts.EventDecodingException.Reason;
import dev.tenantry.contracts.events.TenantryEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloudEventDecodingErrorTests {

    private final CloudEventCodec codec = new CloudEventCodec();
    private final ObjectMapper mapper = new ObjectMapper();
    private final EventEnvelope<TenantryEvent> sample = SampleEvents.envelope(EventType.TENANT_REQUESTED);
    private final byte[] validValue = codec.encodeData(sample.data());

    @Test
    void malformedJsonIsMalformedJson() {
        byte[] broken = "{\"tenantId\": \"abc\", ".getBytes(StandardCharsets.UTF_8);
        assertFails(() -> codec.decode(kafkaHeaders(sample), broken), Reason.MALFORMED_JSON, "not well-formed JSON");
    }

    @Test
    void trailingGarbageIsMalformedJson() {
        byte[] trailing = (new String(validValue, StandardCharsets.UTF_8) + " }").getBytes(StandardCharsets.UTF_8);
        assertFails(() -> codec.decode(kafkaHeaders(sample), trailing), Reason.MALFORMED_JSON, "record value");
    }

    @Test
    void unknownTypeIsUnknownTypeAndNamesIt() {
        Map<String, String> headers = textHeaders(sample);
        headers.put("ce_type", "tenantry.tenant.teleported.v1");
        assertFails(() -> codec.decode(headers, validValue), Reason.UNKNOWN_TYPE, "tenantry.tenant.teleported.v1");
    }

    @Test
    void unknownTypeIsReportedBeforeTheDataIsLookedAt() {
        Map<String, String> headers = textHeaders(sample);
        headers.put("ce_type", "tenantry.tenant.teleported.v1");
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        assertFails(() -> codec.decode(headers, notJson), Reason.UNKNOWN_TYPE, "teleported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject"})
    void eachMissingRequiredHeaderIsMissingHeaderNamingIt(String header) {
        Headers headers = kafkaHeaders(sample);
        headers.remove(header);
        assertFails(() -> codec.decode(headers, validValue), Reason.MISSING_HEADER, "'" + header + "'");

        Map<String, String> text = textHeaders(sample);
        text.remove(header);
        assertFails(() -> codec.decode(text, validValue), Reason.MISSING_HEADER, "'" + header + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_id", "ce_subject", "ce_source"})
    void blankOrNullHeaderValuesCountAsMissing(String header) {
        Map<String, String> blank = textHeaders(sample);
        blank.put(header, "  ");
        assertFails(() -> codec.decode(blank, validValue), Reason.MISSING_HEADER, header);

        Map<String, String> nulled = new HashMap<>(textHeaders(sample));
        nulled.put(header, null);
        assertFails(() -> codec.decode(nulled, validValue), Reason.MISSING_HEADER, header);

        Headers kafka = kafkaHeaders(sample);
        kafka.remove(header);
        kafka.add(header, null);
        assertFails(() -> codec.decode(kafka, validValue), Reason.MISSING_HEADER, header);
    }

    @Test
    void nullOrEmptyHeadersAreMissingHeader() {
        assertFails(() -> codec.decode((Headers) null, validValue), Reason.MISSING_HEADER, "ce_specversion");
        assertFails(
                () -> codec.decode((Map<String, String>) null, validValue), Reason.MISSING_HEADER, "ce_specversion");
        assertFails(() -> codec.decode(new RecordHeaders(), validValue), Reason.MISSING_HEADER, "ce_specversion");
    }

    @Test
    void otherSpecVersionIsUnsupported() {
        Map<String, String> headers = textHeaders(sample);
        headers.put("ce_specversion", "0.3");
        assertFails(() -> codec.decode(headers, validValue), Reason.UNSUPPORTED_SPEC_VERSION, "0.3");
    }

    @Test
    void nullOrEmptyValueIsEmptyValue() {
        assertFails(() -> codec.decode(kafkaHeaders(sample), null), Reason.EMPTY_VALUE, "null");
        assertFails(() -> codec.decode(kafkaHeaders(sample), new byte[0]), Reason.EMPTY_VALUE, "empty");
        assertFails(() -> codec.decode((Headers) null, null), Reason.EMPTY_VALUE, "value");
        assertFails(
                () -> codec.decode(kafkaHeaders(sample), "   ".getBytes(StandardCharsets.UTF_8)),
                Reason.EMPTY_VALUE,
                "no JSON");
    }

    @Test
    void dataFailingRecordValidationIsInvalidDataNamingTheField() throws Exception {
        ObjectNode data = (ObjectNode) mapper.readTree(validValue);
        data.put("slug", "Bad Slug!");
        assertFails(
                () -> codec.decode(kafkaHeaders(sample), mapper.writeValueAsBytes(data)),
                Reason.INVALID_DATA,
                "TenantRequested.slug");
    }

    @Test
    void missingRequiredDataFieldIsInvalidData() throws Exception {
        ObjectNode data = (ObjectNode) mapper.readTree(validValue);
        data.remove("tenantId");
        assertFails(
                () -> codec.decode(kafkaHeaders(sample), mapper.writeValueAsBytes(data)),
                Reason.INVALID_DATA,
                "TenantRequested.tenantId");
    }

    @Test
    void missingOrWronglyTypedPrimitiveIsInvalidDataNamingTheField() throws Exception {
        EventEnvelope<TenantryEvent> migrated = SampleEvents.envelope(EventType.TENANT_MIGRATED);
        ObjectNode data = (ObjectNode) mapper.readTree(codec.encodeData(migrated.data()));
        data.remove("appliedCount");
        assertFails(
                () -> codec.decode(textHeaders(migrated), mapper.writeValueAsBytes(data)),
                Reason.INVALID_DATA,
                "appliedCount");

        data.put("appliedCount", "many");
        assertFails(
                () -> codec.decode(textHeaders(migrated), mapper.writeValueAsBytes(data)),
                Reason.INVALID_DATA,
                "appliedCount");

        data.put("appliedCount", -1);
        assertFails(
                () -> codec.decode(textHeaders(migrated), mapper.writeValueAsBytes(data)),
                Reason.INVALID_DATA,
                "TenantMigrated.appliedCount");

        data.put("appliedCount", 1);
        data.put("kind", "sideways");
        assertFails(
                () -> codec.decode(textHeaders(migrated), mapper.writeValueAsBytes(data)), Reason.INVALID_DATA, "kind");
    }

    @Test
    void dataThatIsNotAnObjectIsInvalidData() {
        assertFails(
                () -> codec.decode(kafkaHeaders(sample), "[1,2]".getBytes(StandardCharsets.UTF_8)),
                Reason.INVALID_DATA,
                "JSON object");
        assertFails(
                () -> codec.decode(kafkaHeaders(sample), "null".getBytes(StandardCharsets.UTF_8)),
                Reason.INVALID_DATA,
                "JSON object");
    }

    @Test
    void malformedTimeOrSourceHeaderIsInvalidDataNamingTheHeader() {
        Map<String, String> badTime = textHeaders(sample);
        badTime.put("ce_time", "yesterday");
        assertFails(() -> codec.decode(badTime, validValue), Reason.INVALID_DATA, "ce_time");

        Map<String, String> badSource = textHeaders(sample);
        badSource.put("ce_source", "urn:has space");
        assertFails(() -> codec.decode(badSource, validValue), Reason.INVALID_DATA, "ce_source");
    }

    @Test
    void twoArgumentDeserializeNeedsHeaders() {
        try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            assertFails(
                    () -> deserializer.deserialize(Topics.TENANT_LIFECYCLE, validValue),
                    Reason.MISSING_HEADER,
                    "headers");
            assertFails(
                    () -> deserializer.deserialize(Topics.TENANT_LIFECYCLE, null, validValue),
                    Reason.MISSING_HEADER,
                    "ce_specversion");
            assertFails(
                    () -> deserializer.deserialize(Topics.TENANT_LIFECYCLE, kafkaHeaders(sample), (byte[]) null),
                    Reason.EMPTY_VALUE,
                    "null");
        }
    }

    @Test
    void structuredJsonProblemsAreClassified() throws Exception {
        assertFails(() -> codec.fromStructuredJson(null), Reason.EMPTY_VALUE, "null");
        assertFails(() -> codec.fromStructuredJson(""), Reason.EMPTY_VALUE, "empty");
        assertFails(() -> codec.fromStructuredJson("{\"id\":"), Reason.MALFORMED_JSON, "not well-formed");
        assertFails(() -> codec.fromStructuredJson("[]"), Reason.MALFORMED_JSON, "JSON object");

        ObjectNode doc = (ObjectNode) mapper.readTree(codec.toStructuredJson(sample));
        ObjectNode noId = doc.deepCopy();
        noId.remove("id");
        assertFails(() -> codec.fromStructuredJson(noId.toString()), Reason.MISSING_HEADER, "'id'");

        ObjectNode unknown = doc.deepCopy();
        unknown.put("type", "com.example.other.v1");
        assertFails(() -> codec.fromStructuredJson(unknown.toString()), Reason.UNKNOWN_TYPE, "com.example.other.v1");

        ObjectNode noData = doc.deepCopy();
        noData.remove("data");
        assertFails(() -> codec.fromStructuredJson(noData.toString()), Reason.EMPTY_VALUE, "'data'");

        ObjectNode base64 = noData.deepCopy();
        base64.put("data_base64", "e30=");
        assertFails(() -> codec.fromStructuredJson(base64.toString()), Reason.INVALID_DATA, "data_base64");

        ObjectNode objectId = doc.deepCopy();
        objectId.putObject("id");
        assertFails(() -> codec.fromStructuredJson(objectId.toString()), Reason.INVALID_DATA, "'id'");

        ObjectNode badData = doc.deepCopy();
        ((ObjectNode) badData.get("data")).put("schema", "tenant_x\"; drop schema public; --");
        assertFails(() -> codec.fromStructuredJson(badData.toString()), Reason.INVALID_DATA, "TenantRequested.schema");
    }

    private static void assertFails(ThrowingCallable call, Reason reason, String messagePart) {
        assertThatThrownBy(call)
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((EventDecodingException) e).reason())
                        .isEqualTo(reason));
    }

    private Headers kafkaHeaders(EventEnvelope<?> envelope) {
        Headers headers = new RecordHeaders();
        codec.writeHeaders(envelope, headers);
        return headers;
    }

    private Map<String, String> textHeaders(EventEnvelope<?> envelope) {
        return new LinkedHashMap<>(codec.headerMap(envelope));
    }
}
