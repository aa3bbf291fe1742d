package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Reading the migration worker's drift report (GET /admin/drift). */
public final class DriftReports {

    /** The lists of a drift report that name tenants with a problem. */
    static final List<String> DRIFT_LISTS = List.of("behind", "ahead", "failed", "missingSchema", "deep");

    private DriftReports() {}

    /** Lists that name tenants without being drift: pinned ones are where their tenant asked to be. */
    static final List<String> OTHER_LISTS = List.of("pinned");

    /** The report with only the entries of one tenant (matched by tenant id, slug or schema). */
    public static ObjectNode onlyTenant(ObjectNode report, String tenant) {
        ObjectNode filtered = report.deepCopy();
        for (String list : java.util.stream.Stream.concat(DRIFT_LISTS.stream(), OTHER_LISTS.stream())
                .toList()) {
            if (filtered.path(list).isArray()) {
                ArrayNode kept = filtered.arrayNode();
                filtered.get(list).forEach(entry -> {
                    if (matches(entry, tenant)) {
                        kept.add(entry);
                    }
                });
                filtered.set(list, kept);
            }
        }
        filtered.put("tenantFilter", tenant);
        return filtered;
    }

    private static boolean matches(JsonNode entry, String tenant) {
        String schema = entry.path("schema").asText("");
        return tenant.equals(entry.path("tenant").asText(null))
                || tenant.equals(schema)
                || ("tenant_" + tenant).equals(schema);
    }

    public static boolean hasDrift(JsonNode report) {
        return DRIFT_LISTS.stream()
                .anyMatch(
                        list -> report.path(list).isArray() && report.get(list).size() > 0);
    }
}
