package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tenantry.contracts.EventDecodingException.Reason;
import dev.tenantry.contracts.events.TenantryEvent;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JsonSchemaTests {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema META_SCHEMA = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012));

    private final CloudEventCodec codec = new CloudEventCodec();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void thereIsExactlyOneSchemaPerEventType() {
        List<String> expected = Arrays.stream(EventType.values())
                .map(t -> t.simpleName() + ".json")
                .sorted()
                .toList();
        assertThat(ContractResources.fileNames(ContractResources.SCHEMAS)).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySchemaIsAValidDraft202012Schema(EventType type) {
        JsonNode schema = ContractResources.schema(type);
        assertThat(META_SCHEMA.validate(schema)).as(type.schemaResource()).isEmpty();
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("title").asText()).isEqualTo(type.simpleName());
        assertThat(schema.path("additionalProperties").asBoolean(false))
                .as("open to additive evolution")
                .isTrue();
    }

    @Test
    void metaSchemaValidationCatchesABrokenSchema() throws Exception {
        JsonNode broken = mapper.readTree(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strnig\"}}," + "\"required\":\"a\"}");
        assertThat(META_SCHEMA.validate(broken)).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySampleValidatesAgainstItsSchema(EventType type) throws Exception {
        JsonNode json = mapper.readTree(codec.encodeData(SampleEvents.of(type)));
        assertThat(validate(type, json)).as(type.simpleName()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaPropertiesAreTheRecordComponents(EventType type) {
        Set<String> properties = new HashSet<>();
        ContractResources.schema(type).path("properties").fieldNames().forEachRemaining(properties::add);
        Set<String> components = Arrays.stream(type.eventClass().getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toSet());
        assertThat(properties).isEqualTo(components);
    }

    /**
     * A property is required by the record when leaving it out of the JSON makes decoding fail;
     * the schema's {@code required} list must name exactly those properties. Leaving out an
     * optional property must keep the document valid for both.
     */
    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaRequiredListMatchesWhatTheRecordRequires(EventType type) throws Exception {
        EventEnvelope<TenantryEvent> envelope = SampleEvents.envelope(type);
        ObjectNode full = (ObjectNode) mapper.readTree(codec.encodeData(envelope.data()));
        List<String> requiredByRecord = new ArrayList<>();
        for (String property : iterable(full)) {
            ObjectNode without = full.deepCopy();
            without.remove(property);
            boolean recordAccepts = decodes(envelope, without);
            boolean schemaAccepts = validate(type, without).isEmpty();
            assertThat(schemaAccepts)
                    .as("%s without %s: schema and record must agree", type.simpleName(), property)
                    .isEqualTo(recordAccepts);
            if (!recordAccepts) {
                requiredByRecord.add(property);
            }
        }
        List<String> requiredBySchema = new ArrayList<>();
        ContractResources.schema(type).path("required").forEach(n -> requiredBySchema.add(n.asText()));
        assertThat(requiredBySchema).containsExactlyInAnyOrderElementsOf(requiredByRecord);
    }

    /** Blank strings and explicit nulls in required properties are rejected by schema and record alike. */
    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaAndRecordAgreeOnBlankAndNullValues(EventType type) throws Exception {
        EventEnvelope<TenantryEvent> envelope = SampleEvents.envelope(type);
        ObjectNode full = (ObjectNode) mapper.readTree(codec.encodeData(envelope.data()));
        for (String property : iterable(full)) {
            if (full.get(property).isTextual()) {
                ObjectNode blank = full.deepCopy();
                blank.put(property, " ");
                assertThat(decodes(envelope, blank))
                        .as("%s.%s blank (record)", type.simpleName(), property)
                        .isFalse();
                assertThat(validate(type, blank))
                        .as("%s.%s blank (schema)", type.simpleName(), property)
                        .isNotEmpty();
            }
            ObjectNode nulled = full.deepCopy();
            nulled.putNull(property);
            assertThat(validate(type, nulled).isEmpty())
                    .as("%s.%s null", type.simpleName(), property)
                    .isEqualTo(decodes(envelope, nulled));
        }
    }

    @Test
    void schemasRejectWhatTheRecordsReject() throws Exception {
        ObjectNode requested =
                (ObjectNode) mapper.readTree(codec.encodeData(SampleEvents.of(EventType.TENANT_REQUESTED)));
        requested.put("slug", "Bad Slug");
        assertThat(validate(EventType.TENANT_REQUESTED, requested)).isNotEmpty();

        requested.put("slug", "acme");
        requested.put("schema", "tenant_x\"; drop schema public; --");
        assertThat(validate(EventType.TENANT_REQUESTED, requested)).isNotEmpty();
        requested.put("schema", "public");
        assertThat(validate(EventType.TENANT_REQUESTED, requested)).isNotEmpty();

        ObjectNode migrated =
                (ObjectNode) mapper.readTree(codec.encodeData(SampleEvents.of(EventType.TENANT_MIGRATED)));
        migrated.put("appliedCount", -1);
        assertThat(validate(EventType.TENANT_MIGRATED, migrated)).isNotEmpty();
        migrated.put("appliedCount", 1);
        migrated.put("kind", "NEW");
        assertThat(validate(EventType.TENANT_MIGRATED, migrated)).isNotEmpty();
        migrated.put("kind", "new");
        migrated.put("toVersion", "latest");
        assertThat(validate(EventType.TENANT_MIGRATED, migrated)).isNotEmpty();
        migrated.put("toVersion", "2.1");
        migrated.put("somethingNew", true);
        assertThat(validate(EventType.TENANT_MIGRATED, migrated)).isEmpty();
    }

    @Test
    void schemaResourceOfAnUnknownNameIsAbsent() {
        assertThatThrownBy(() -> ContractResources.json("schemas/Nope.json")).isInstanceOf(AssertionError.class);
    }

    private boolean decodes(EventEnvelope<?> envelope, JsonNode data) throws Exception {
        try {
            codec.decode(codec.headerMap(envelope), mapper.writeValueAsBytes(data));
            return true;
        } catch (EventDecodingException e) {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.INVALID_DATA);
            return false;
        }
    }

    private static Set<ValidationMessage> validate(EventType type, JsonNode json) {
        return FACTORY.getSchema(ContractResources.schema(type)).validate(json);
    }

    private static Iterable<String> iterable(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
