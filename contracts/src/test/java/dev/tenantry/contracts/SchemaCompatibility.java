package dev.tenantry.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that a current event schema is backward and forward compatible with its committed
 * snapshot, i.e. that only additive, optional changes were made.
 *
 * <p>Violations, for every property (recursively into nested object properties):
 * <ul>
 *   <li>a property of the snapshot is missing (removed or renamed);</li>
 *   <li>its {@code type} changed (any change, also widening to nullable: consumers break);</li>
 *   <li>a property became required, or a new property is required;</li>
 *   <li>a required property became optional (consumers relying on it break);</li>
 *   <li>its {@code enum} values changed;</li>
 *   <li>an object stopped allowing additional properties.</li>
 * </ul>
 * Adding an optional property, or changing descriptions, is compatible.
 */
final class SchemaCompatibility {

    private SchemaCompatibility() {}

    /**
     * @param snapshot the committed schema
     * @param current  the schema as it is now
     * @return human-readable violations; empty when compatible
     */
    static List<String> check(JsonNode snapshot, JsonNode current) {
        List<String> violations = new ArrayList<>();
        compareObject("", snapshot, current, violations);
        return violations;
    }

    private static void compareObject(String path, JsonNode old, JsonNode now, List<String> out) {
        Set<String> oldRequired = strings(old.path("required"));
        Set<String> nowRequired = strings(now.path("required"));
        JsonNode oldProps = old.path("properties");
        JsonNode nowProps = now.path("properties");

        for (Iterator<String> it = oldProps.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            String where = path + name;
            JsonNode nowProp = nowProps.get(name);
            if (nowProp == null) {
                out.add("property '" + where + "' was removed or renamed");
                continue;
            }
            compareProperty(where, oldProps.get(name), nowProp, out);
        }
        for (String name : nowRequired) {
            if (!oldRequired.contains(name)) {
                out.add(
                        oldProps.has(name)
                                ? "property '" + path + name + "' became required"
                                : "new required property '" + path + name + "'");
            }
        }
        for (String name : oldRequired) {
            if (!nowRequired.contains(name) && nowProps.has(name)) {
                out.add("property '" + path + name + "' is no longer required");
            }
        }
        if (allowsAdditional(old) && !allowsAdditional(now)) {
            out.add("'" + (path.isEmpty() ? "(root)" : path.substring(0, path.length() - 1))
                    + "' no longer allows additional properties");
        }
        JsonNode oldExtra = old.get("additionalProperties");
        JsonNode nowExtra = now.get("additionalProperties");
        if (oldExtra != null && oldExtra.isObject() && nowExtra != null && nowExtra.isObject()) {
            compareProperty(path + "*", oldExtra, nowExtra, out);
        }
    }

    private static void compareProperty(String where, JsonNode old, JsonNode now, List<String> out) {
        Set<String> oldTypes = types(old);
        Set<String> nowTypes = types(now);
        if (!oldTypes.equals(nowTypes)) {
            out.add("property '" + where + "' changed type from " + oldTypes + " to " + nowTypes);
        }
        if (!strings(old.path("enum")).equals(strings(now.path("enum")))) {
            out.add("property '" + where + "' changed its enum from " + strings(old.path("enum")) + " to "
                    + strings(now.path("enum")));
        }
        if (old.has("properties")
                || now.has("properties")
                || old.has("additionalProperties")
                || now.has("additionalProperties")) {
            compareObject(where + ".", old, now, out);
        }
    }

    private static boolean allowsAdditional(JsonNode schema) {
        JsonNode extra = schema.get("additionalProperties");
        return extra == null || !(extra.isBoolean() && !extra.asBoolean());
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return Set.of();
        }
        return type.isArray() ? new TreeSet<>(strings(type)) : Set.of(type.asText());
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(n -> values.add(n.asText()));
        return new TreeSet<>(values);
    }
}
