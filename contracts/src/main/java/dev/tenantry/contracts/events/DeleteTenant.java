package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Command: delete a tenant (its schema is archived, not dropped at once).
 *
 * @param commandId caller-chosen command id, required
 * @param tenantId  the tenant id (UUID text), required
 */
public record DeleteTenant(String commandId, String tenantId) implements TenantCommand {

    private static final Validation CHECK = Validation.of("DeleteTenant");

    /**
     * Creates the record, validating every component.
     *
     * @param commandId caller-chosen command id, required
     * @param tenantId the tenant id (UUID text), required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public DeleteTenant {
        CHECK.text("commandId", commandId);
        CHECK.text("tenantId", tenantId);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
