package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: a tenant was registered and its schema is being provisioned.
 *
 * @param tenantId      the tenant id (UUID text), required
 * @param slug          the tenant slug, required
 * @param schema        the tenant schema, required
 * @param targetVersion version being provisioned, optional (null: the latest)
 */
public record TenantProvisioningStarted(String tenantId, String slug, String schema, String targetVersion)
        implements LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantProvisioningStarted");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the tenant schema, required
     * @param targetVersion version being provisioned, optional (null: the latest)
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantProvisioningStarted {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
        CHECK.optionalVersion("targetVersion", targetVersion);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
