package dev.tenantry.contracts.events;

/**
 * A public lifecycle event on {@code tenant-lifecycle}, delivered to webhooks: a tenant's, sent by
 * the provisioning service, or a fleet rollout's, sent by the migration worker.
 */
public sealed interface LifecycleEvent extends TenantryEvent
        permits TenantProvisioningStarted,
                TenantActivated,
                TenantProvisioningFailed,
                TenantUpgraded,
                TenantUpgradeFailed,
                TenantDeleted,
                TenantRequestRejected,
                RolloutEvent {}
