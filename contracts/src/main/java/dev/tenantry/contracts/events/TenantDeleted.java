package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * A tenant's schema was archived. The same record is used on two topics: on
 * {@code tenant-migration-results} the worker reports the schema was renamed aside; on
 * {@code tenant-lifecycle} the provisioning service announces the tenant is deleted.
 *
 * <p>When the tenant's schema was already gone ({@code schemaExisted} false) the archive is an
 * empty schema the worker created under the archive name, so that the name always exists. With
 * {@code skippedReason} the worker changed nothing (the schema belongs to another tenant, or the
 * request was superseded); {@code archivedSchema} then names this tenant's earlier archive.
 *
 * @param tenantId       the tenant id (UUID text), required
 * @param schema         the schema the tenant used, required
 * @param archivedSchema the name the schema was renamed to, required
 * @param schemaExisted  whether the tenant's schema existed and was archived, optional (null: true)
 * @param skippedReason  why the worker changed nothing, optional (null: the deletion was carried out)
 */
public record TenantDeleted(
        String tenantId, String schema, String archivedSchema, Boolean schemaExisted, String skippedReason)
        implements MigrationResult, LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantDeleted");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param schema the schema the tenant used, required
     * @param archivedSchema the name the schema was renamed to, required
     * @param schemaExisted whether the tenant's schema existed and was archived, optional
     * @param skippedReason why the worker changed nothing, optional
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantDeleted {
        CHECK.text("tenantId", tenantId);
        CHECK.schema("schema", schema);
        CHECK.schema("archivedSchema", archivedSchema);
        CHECK.optionalText("skippedReason", skippedReason);
    }

    /** A deletion that archived the tenant's schema. */
    public TenantDeleted(String tenantId, String schema, String archivedSchema) {
        this(tenantId, schema, archivedSchema, null, null);
    }

    /** @return whether the worker left everything as it was */
    public boolean skipped() {
        return skippedReason != null;
    }

    /** @return false only when the tenant's schema was not there to archive */
    public boolean archivedSomething() {
        return !Boolean.FALSE.equals(schemaExisted);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
