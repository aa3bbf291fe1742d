package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: upgrading an active tenant failed. Nothing was dropped: the schema stays at its
 * previous version with its data intact, ready to be fixed and replayed.
 *
 * @param tenantId       the tenant id (UUID text), required
 * @param slug           the tenant slug, required
 * @param schema         the tenant schema, required
 * @param currentVersion version the schema is still at, optional
 * @param failedVersion  version of the migration that failed, optional
 * @param reason         why it failed, required
 */
public record TenantUpgradeFailed(
        String tenantId, String slug, String schema, String currentVersion, String failedVersion, String reason)
        implements LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantUpgradeFailed");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the tenant schema, required
     * @param currentVersion version the schema is still at, optional
     * @param failedVersion version of the migration that failed, optional
     * @param reason why it failed, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantUpgradeFailed {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
        CHECK.optionalVersion("currentVersion", currentVersion);
        CHECK.optionalVersion("failedVersion", failedVersion);
        CHECK.text("reason", reason);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
