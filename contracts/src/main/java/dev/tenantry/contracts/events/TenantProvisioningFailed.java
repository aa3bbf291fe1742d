package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: provisioning a new tenant failed; its half-made schema is being rolled back.
 *
 * @param tenantId      the tenant id (UUID text), required
 * @param slug          the tenant slug, required
 * @param schema        the tenant schema, required
 * @param failedVersion version of the migration that failed, optional
 * @param reason        why it failed, required
 */
public record TenantProvisioningFailed(String tenantId, String slug, String schema, String failedVersion, String reason)
        implements LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantProvisioningFailed");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the tenant schema, required
     * @param failedVersion version of the migration that failed, optional
     * @param reason why it failed, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantProvisioningFailed {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
        CHECK.optionalVersion("failedVersion", failedVersion);
        CHECK.text("reason", reason);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
