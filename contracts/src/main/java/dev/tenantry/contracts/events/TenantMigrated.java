package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.contracts.tenant.Validation;

/**
 * Result: a tenant schema was created or upgraded successfully.
 *
 * @param tenantId     the tenant id (UUID text), required
 * @param schema       the migrated schema, required
 * @param kind         new tenant or upgrade, required
 * @param fromVersion  version before the run, optional (null for a new schema)
 * @param toVersion    version after the run, required
 * @param appliedCount number of migrations applied, not negative
 * @param durationMs   duration of the run in milliseconds, not negative
 */
public record TenantMigrated(
        String tenantId,
        String schema,
        MigrationKind kind,
        String fromVersion,
        String toVersion,
        int appliedCount,
        long durationMs)
        implements MigrationResult {

    private static final Validation CHECK = Validation.of("TenantMigrated");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param schema the migrated schema, required
     * @param kind new tenant or upgrade, required
     * @param fromVersion version before the run, optional (null for a new schema)
     * @param toVersion version after the run, required
     * @param appliedCount number of migrations applied, not negative
     * @param durationMs duration of the run in milliseconds, not negative
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantMigrated {
        CHECK.text("tenantId", tenantId);
        CHECK.schema("schema", schema);
        CHECK.notNull("kind", kind);
        CHECK.optionalVersion("fromVersion", fromVersion);
        CHECK.version("toVersion", toVersion);
        CHECK.nonNegative("appliedCount", appliedCount);
        CHECK.nonNegative("durationMs", durationMs);
    }
}
