package dev.tenantry.contracts.events;

/** A command sent by any service to the provisioning service on {@code tenant-commands}. */
public sealed interface TenantCommand extends TenantryEvent permits CreateTenant, UpgradeTenant, DeleteTenant {

    /** @return the caller-chosen id of this command, used for idempotency and in rejections */
    String commandId();
}
