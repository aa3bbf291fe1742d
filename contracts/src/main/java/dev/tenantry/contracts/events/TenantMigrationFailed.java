package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.contracts.tenant.Validation;

/**
 * Result: migrating a tenant schema failed for a non-transient reason. For a new tenant this
 * starts compensation; an upgrade is left at its previous version.
 *
 * @param tenantId       the tenant id (UUID text), required
 * @param schema         the schema, required
 * @param kind           new tenant or upgrade, required
 * @param failedVersion  version of the migration that failed, optional
 * @param errorCode      machine-readable error code, required
 * @param message        human-readable error message, required
 * @param currentVersion version the schema is at after the failure, optional
 */
public record TenantMigrationFailed(
        String tenantId,
        String schema,
        MigrationKind kind,
        String failedVersion,
        String errorCode,
        String message,
        String currentVersion)
        implements MigrationResult {

    private static final Validation CHECK = Validation.of("TenantMigrationFailed");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param schema the schema, required
     * @param kind new tenant or upgrade, required
     * @param failedVersion version of the migration that failed, optional
     * @param errorCode machine-readable error code, required
     * @param message human-readable error message, required
     * @param currentVersion version the schema is at after the failure, optional
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantMigrationFailed {
        CHECK.text("tenantId", tenantId);
        CHECK.schema("schema", schema);
        CHECK.notNull("kind", kind);
        CHECK.optionalVersion("failedVersion", failedVersion);
        CHECK.text("errorCode", errorCode);
        CHECK.text("message", message);
        CHECK.optionalVersion("currentVersion", currentVersion);
    }
}
