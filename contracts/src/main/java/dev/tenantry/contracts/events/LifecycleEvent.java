package dev.tenantry.contracts.events;

/**
 * A public tenant lifecycle event, sent by the provisioning service on {@code tenant-lifecycle}
 * and delivered to webhooks.
 */
public sealed interface LifecycleEvent extends TenantryEvent
        permits TenantProvisioningStarted,
                TenantActivated,
                TenantProvisioningFailed,
                TenantUpgraded,
                TenantUpgradeFailed,
                TenantDeleted,
                TenantRequestRejected {}
