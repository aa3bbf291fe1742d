package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Command: migrate an existing tenant's schema.
 *
 * @param commandId     caller-chosen command id, required
 * @param tenantId      the tenant id (UUID text), required
 * @param targetVersion version to migrate to, optional (null: the latest)
 */
public record UpgradeTenant(String commandId, String tenantId, String targetVersion) implements TenantCommand {

    private static final Validation CHECK = Validation.of("UpgradeTenant");

    /**
     * Creates the record, validating every component.
     *
     * @param commandId caller-chosen command id, required
     * @param tenantId the tenant id (UUID text), required
     * @param targetVersion version to migrate to, optional (null: the latest)
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public UpgradeTenant {
        CHECK.text("commandId", commandId);
        CHECK.text("tenantId", tenantId);
        CHECK.optionalVersion("targetVersion", targetVersion);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
