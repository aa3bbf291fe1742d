package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: an active tenant's schema was migrated to a later version.
 *
 * @param tenantId    the tenant id (UUID text), required
 * @param slug        the tenant slug, required
 * @param schema      the tenant schema, required
 * @param fromVersion version before the upgrade, optional
 * @param toVersion   version after the upgrade, required
 */
public record TenantUpgraded(String tenantId, String slug, String schema, String fromVersion, String toVersion)
        implements LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantUpgraded");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the tenant schema, required
     * @param fromVersion version before the upgrade, optional
     * @param toVersion version after the upgrade, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantUpgraded {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
        CHECK.optionalVersion("fromVersion", fromVersion);
        CHECK.version("toVersion", toVersion);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
