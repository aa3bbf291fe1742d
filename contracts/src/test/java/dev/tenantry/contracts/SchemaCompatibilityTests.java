package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaCompatibilityTests {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void thereIsExactlyOneSnapshotPerEventType() {
        List<String> expected = Arrays.stream(EventType.values())
                .map(t -> t.simpleName() + ".json")
                .sorted()
                .toList();
        assertThat(ContractResources.fileNames(ContractResources.SNAPSHOTS)).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void currentSchemaIsCompatibleWithItsSnapshot(EventType type) {
        assertThat(SchemaCompatibility.check(ContractResources.snapshot(type), ContractResources.schema(type)))
                .as("%s: change the schema additively, or publish a new event version", type.simpleName())
                .isEmpty();
    }

    @Test
    void identicalSchemasAreCompatible() {
        assertThat(SchemaCompatibility.check(base(), base())).isEmpty();
    }

    @Test
    void addedOptionalPropertyIsCompatible() {
        ObjectNode current = base();
        properties(current).putObject("region").put("type", "string");
        properties(current)
                .putObject("labels")
                .put("type", "object")
                .putObject("properties")
                .putObject("team")
                .put("type", "string");
        assertThat(SchemaCompatibility.check(base(), current)).isEmpty();
    }

    @Test
    void descriptionChangesAreCompatible() {
        ObjectNode current = base();
        ((ObjectNode) properties(current).get("slug")).put("description", "reworded");
        assertThat(SchemaCompatibility.check(base(), current)).isEmpty();
    }

    @Test
    void removedPropertyIsReported() {
        ObjectNode current = base();
        properties(current).remove("targetVersion");
        assertThat(SchemaCompatibility.check(base(), current))
                .containsExactly("property 'targetVersion' was removed or renamed");
    }

    @Test
    void renamedPropertyIsReported() {
        ObjectNode current = base();
        JsonNode slug = properties(current).remove("slug");
        properties(current).set("tenantSlug", slug);
        replaceRequired(current, "tenantId", "tenantSlug", "kind", "appliedCount");
        assertThat(SchemaCompatibility.check(base(), current))
                .contains("property 'slug' was removed or renamed", "new required property 'tenantSlug'");
    }

    @Test
    void retypedPropertyIsReported() {
        ObjectNode current = base();
        ((ObjectNode) properties(current).get("appliedCount")).put("type", "string");
        assertThat(SchemaCompatibility.check(base(), current))
                .containsExactly("property 'appliedCount' changed type from [integer] to [string]");
    }

    @Test
    void wideningToNullableIsReportedAsRetype() {
        ObjectNode current = base();
        ((ObjectNode) properties(current).get("slug"))
                .putArray("type")
                .add("string")
                .add("null");
        assertThat(SchemaCompatibility.check(base(), current))
                .containsExactly("property 'slug' changed type from [string] to [null, string]");
    }

    @Test
    void newRequiredPropertyIsReported() {
        ObjectNode current = base();
        properties(current).putObject("region").put("type", "string");
        ((ArrayNode) current.get("required")).add("region");
        assertThat(SchemaCompatibility.check(base(), current)).containsExactly("new required property 'region'");
    }

    @Test
    void optionalPropertyBecomingRequiredIsReported() {
        ObjectNode current = base();
        ((ArrayNode) current.get("required")).add("targetVersion");
        assertThat(SchemaCompatibility.check(base(), current))
                .containsExactly("property 'targetVersion' became required");
    }

    @Test
    void requiredPropertyBecomingOptionalIsReported() {
        ObjectNode current = base();
        replaceRequired(current, "tenantId", "kind", "appliedCount");
        assertThat(SchemaCompatibility.check(base(), current)).containsExactly("property 'slug' is no longer required");
    }

    @Test
    void changedEnumIsReported() {
        ObjectNode current = base();
        ((ObjectNode) properties(current).get("kind"))
                .putArray("enum")
                .add("new")
                .add("upgrade")
                .add("repair");
        assertThat(SchemaCompatibility.check(base(), current))
                .singleElement()
                .asString()
                .contains("'kind' changed its enum");
    }

    @Test
    void closingTheSchemaIsReported() {
        ObjectNode current = base();
        current.put("additionalProperties", false);
        assertThat(SchemaCompatibility.check(base(), current))
                .containsExactly("'(root)' no longer allows additional properties");
    }

    @Test
    void nestedChangesAreReportedWithTheirPath() {
        ObjectNode old = base();
        ObjectNode nested = properties(old).putObject("owner");
        nested.put("type", "object");
        nested.putObject("properties").putObject("email").put("type", "string");
        ObjectNode current = old.deepCopy();
        ((ObjectNode) properties(current).get("owner").get("properties").get("email")).put("type", "integer");
        ((ObjectNode) properties(current).get("metadata").get("additionalProperties")).put("type", "integer");

        assertThat(SchemaCompatibility.check(old, current))
                .containsExactlyInAnyOrder(
                        "property 'owner.email' changed type from [string] to [integer]",
                        "property 'metadata.*' changed type from [string] to [integer]");
    }

    private ObjectNode base() {
        try {
            return (ObjectNode) mapper.readTree("""
                    {
                      "type": "object",
                      "properties": {
                        "tenantId": {"type": "string"},
                        "slug": {"type": "string", "pattern": "^[a-z][a-z0-9_]{2,39}$"},
                        "kind": {"type": "string", "enum": ["new", "upgrade"]},
                        "appliedCount": {"type": "integer", "minimum": 0},
                        "targetVersion": {"type": ["string", "null"]},
                        "metadata": {"type": ["object", "null"], "additionalProperties": {"type": "string"}}
                      },
                      "required": ["tenantId", "slug", "kind", "appliedCount"],
                      "additionalProperties": true
                    }
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode properties(ObjectNode schema) {
        return (ObjectNode) schema.get("properties");
    }

    private static void replaceRequired(ObjectNode schema, String... names) {
        ArrayNode required = schema.putArray("required");
        for (String name : names) {
            required.add(name);
        }
    }
}
