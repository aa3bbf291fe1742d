package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: a command was rejected (invalid, duplicate slug, unknown tenant, wrong state...).
 * Its subject is {@code subject} when given, else the command id.
 *
 * @param commandId   id of the rejected command, required
 * @param commandType type of the rejected command, e.g. {@code CreateTenant}, required
 * @param subject     what the command was about (tenant id or slug), optional on input; a null
 *                    subject is replaced by the command id, so on an instance it is never null
 * @param reason      why it was rejected, required
 */
public record TenantRequestRejected(String commandId, String commandType, String subject, String reason)
        implements LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantRequestRejected");

    /**
     * Creates the record, validating every component.
     *
     * @param commandId id of the rejected command, required
     * @param commandType type of the rejected command, e.g. {@code CreateTenant}, required
     * @param subject what the command was about (tenant id or slug), optional on input; a null subject is replaced by the command id, so on an instance it is never null
     * @param reason why it was rejected, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantRequestRejected {
        CHECK.text("commandId", commandId);
        CHECK.text("commandType", commandType);
        CHECK.optionalText("subject", subject);
        CHECK.text("reason", reason);
        if (subject == null) {
            subject = commandId;
        }
    }
}
