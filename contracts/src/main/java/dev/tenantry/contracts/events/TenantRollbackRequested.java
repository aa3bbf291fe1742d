package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Request (saga compensation): drop the half-made schema of a new tenant whose provisioning
 * failed, so its slug is free again.
 *
 * @param tenantId the tenant id (UUID text), required
 * @param slug     the tenant slug, required
 * @param schema   the schema to drop, required
 * @param reason   why the rollback is needed, required
 */
public record TenantRollbackRequested(String tenantId, String slug, String schema, String reason)
        implements MigrationRequest {

    private static final Validation CHECK = Validation.of("TenantRollbackRequested");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the schema to drop, required
     * @param reason why the rollback is needed, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantRollbackRequested {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
        CHECK.text("reason", reason);
    }
}
