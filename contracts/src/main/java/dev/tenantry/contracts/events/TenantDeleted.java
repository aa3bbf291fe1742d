package dev.tenantry.contracts.events;

import dev.tenantry.contracts.Validation;

/**
 * A tenant's schema was archived. The same record is used on two topics: on
 * {@code tenant-migration-results} the worker reports the schema was renamed aside; on
 * {@code tenant-lifecycle} the provisioning service announces the tenant is deleted.
 *
 * @param tenantId       the tenant id (UUID text), required
 * @param schema         the schema the tenant used, required
 * @param archivedSchema the name the schema was renamed to, required
 */
public record TenantDeleted(String tenantId, String schema, String archivedSchema)
        implements MigrationResult, LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantDeleted");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param schema the schema the tenant used, required
     * @param archivedSchema the name the schema was renamed to, required
     * @throws dev.tenantry.contracts.InvalidEventException naming the first invalid component
     */
    public TenantDeleted {
        CHECK.text("tenantId", tenantId);
        CHECK.schema("schema", schema);
        CHECK.schema("archivedSchema", archivedSchema);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
