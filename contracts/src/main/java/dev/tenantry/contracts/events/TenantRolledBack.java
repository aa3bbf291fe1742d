package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Result: a rollback request was answered. Without {@code skippedReason} it was carried out and
 * the schema no longer exists; with it the worker changed nothing (the schema belongs to another
 * tenant, or the request was superseded by a later one of the same tenant).
 *
 * @param tenantId      the tenant id (UUID text), required
 * @param schema        the schema that was dropped, required
 * @param schemaExisted whether the schema existed when the rollback ran
 * @param skippedReason why the worker changed nothing, optional (null: the rollback was carried out)
 */
public record TenantRolledBack(String tenantId, String schema, boolean schemaExisted, String skippedReason)
        implements MigrationResult {

    private static final Validation CHECK = Validation.of("TenantRolledBack");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param schema the schema that was dropped, required
     * @param schemaExisted whether the schema existed when the rollback ran
     * @param skippedReason why the worker changed nothing, optional
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantRolledBack {
        CHECK.text("tenantId", tenantId);
        CHECK.schema("schema", schema);
        CHECK.optionalText("skippedReason", skippedReason);
    }

    /** A rollback that was carried out. */
    public TenantRolledBack(String tenantId, String schema, boolean schemaExisted) {
        this(tenantId, schema, schemaExisted, null);
    }

    /** @return whether the worker left everything as it was */
    public boolean skipped() {
        return skippedReason != null;
    }
}
