package dev.tenantry.contracts.events;

/**
 * Work for a migration worker, sent by the provisioning service on
 * {@code tenant-migration-requests}.
 */
public sealed interface MigrationRequest extends TenantryEvent
        permits TenantRequested, TenantUpgradeRequested, TenantRollbackRequested, TenantDeletionRequested {

    /** @return the tenant id (UUID text) */
    String tenantId();

    /** @return the tenant slug */
    String slug();

    /** @return the tenant schema name */
    String schema();

    @Override
    default String subject() {
        return tenantId();
    }
}
