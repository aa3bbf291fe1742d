package dev.tenantry.contracts.events;

/**
 * The outcome of a migration request, sent by a migration worker on
 * {@code tenant-migration-results}.
 */
public sealed interface MigrationResult extends TenantryEvent
        permits TenantMigrated, TenantMigrationFailed, TenantRolledBack, TenantDeleted {

    /** @return the tenant id (UUID text) */
    String tenantId();

    /** @return the tenant schema name */
    String schema();

    @Override
    default String subject() {
        return tenantId();
    }
}
