package dev.tenantry.worker.model;

import java.time.Instant;
import java.util.List;

/**
 * Where every tenant schema stands against the latest tenant migration.
 *
 * @param totalTenants  tenant schemas found plus tenants whose schema is missing
 * @param upToDate      schemas at the latest version
 * @param behind        schemas below the latest version (including schemas with no history at all)
 * @param ahead         schemas at a version this worker does not know (applied by a newer release)
 * @param pinned        schemas below the latest version because their tenant was upgraded to an explicit
 *                      target version: not behind, and left alone by drift repair until unpinned
 * @param failed        tenants whose last migration attempt failed
 * @param missingSchema tenants the worker created whose schema is gone
 * @param deep          catalog differences against a reference schema, only for a deep verify
 */
public record DriftReport(
        Instant checkedAt,
        String latest,
        int totalTenants,
        int upToDate,
        List<Behind> behind,
        List<Behind> ahead,
        List<Pinned> pinned,
        List<Failed> failed,
        List<Missing> missingSchema,
        List<CatalogDrift> deep,
        long durationMs) {

    public record Behind(String tenant, String schema, String current, String latest, List<String> pending) {}

    public record Pinned(String tenant, String schema, String current, String pinnedVersion, String latest) {}

    public record Failed(String tenant, String schema, String failedVersion, String errorCode, String message) {}

    public record Missing(String tenant, String schema) {}

    /** Objects a tenant schema lacks ({@code missing}) or has beyond the reference ({@code unexpected}). */
    public record CatalogDrift(String schema, List<String> missing, List<String> unexpected) {}

    public boolean hasDrift() {
        return !behind.isEmpty()
                || !ahead.isEmpty()
                || !failed.isEmpty()
                || !missingSchema.isEmpty()
                || (deep != null && !deep.isEmpty());
    }
}
