package dev.tenantry.provisioning.rest;

import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import java.time.Instant;
import java.util.Map;

/** A tenant as the API shows it. */
public record TenantView(
        String id,
        String slug,
        String displayName,
        String plan,
        Map<String, String> metadata,
        TenantStatus status,
        String schema,
        String currentVersion,
        String targetVersion,
        String failureReason,
        Instant createdAt,
        Instant updatedAt,
        Instant statusChangedAt) {

    static TenantView of(Tenant t) {
        return new TenantView(
                t.idText(),
                t.slug(),
                t.displayName(),
                t.plan(),
                t.metadata(),
                t.status(),
                t.schema(),
                t.currentVersion(),
                t.targetVersion(),
                t.failureReason(),
                t.createdAt(),
                t.updatedAt(),
                t.statusChangedAt());
    }
}
