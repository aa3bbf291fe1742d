package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Request: archive (rename aside) the schema of a tenant being deleted.
 *
 * @param tenantId the tenant id (UUID text), required
 * @param slug     the tenant slug, required
 * @param schema   the schema to archive, required
 */
public record TenantDeletionRequested(String tenantId, String slug, String schema) implements MigrationRequest {

    private static final Validation CHECK = Validation.of("TenantDeletionRequested");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the schema to archive, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantDeletionRequested {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
    }
}
