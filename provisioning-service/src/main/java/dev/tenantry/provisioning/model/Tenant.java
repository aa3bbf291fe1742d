package dev.tenantry.provisioning.model;

import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.contracts.tenant.TenantSlug;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One tenant of the registry as stored. */
public record Tenant(
        UUID id,
        String slug,
        String displayName,
        String plan,
        Map<String, String> metadata,
        TenantStatus status,
        String currentVersion,
        String targetVersion,
        String failureReason,
        String lastRequestId,
        String correlationId,
        int requestAttempts,
        Instant statusChangedAt,
        Instant createdAt,
        Instant updatedAt) {

    public Tenant {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The PostgreSQL schema that holds this tenant's tables. */
    public String schema() {
        return TenantSchema.of(new TenantSlug(slug)).name();
    }

    public String idText() {
        return id.toString();
    }
}
