package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Request: create and migrate the schema of a new tenant.
 *
 * @param tenantId      the tenant id (UUID text), required
 * @param slug          the tenant slug, required
 * @param schema        the schema to create, required
 * @param targetVersion version to migrate to, optional (null: the latest)
 */
public record TenantRequested(String tenantId, String slug, String schema, String targetVersion)
        implements MigrationRequest {

    private static final Validation CHECK = Validation.of("TenantRequested");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the schema to create, required
     * @param targetVersion version to migrate to, optional (null: the latest)
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantRequested {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
        CHECK.optionalVersion("targetVersion", targetVersion);
    }
}
