package dev.tenantry.contracts.events;

import dev.tenantry.contracts.Validation;

/**
 * Result: a rollback request was carried out; the schema no longer exists.
 *
 * @param tenantId      the tenant id (UUID text), required
 * @param schema        the schema that was dropped, required
 * @param schemaExisted whether the schema existed when the rollback ran
 */
public record TenantRolledBack(String tenantId, String schema, boolean schemaExisted) implements MigrationResult {

    private static final Validation CHECK = Validation.of("TenantRolledBack");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param schema the schema that was dropped, required
     * @param schemaExisted whether the schema existed when the rollback ran
     * @throws dev.tenantry.contracts.InvalidEventException naming the first invalid component
     */
    public TenantRolledBack {
        CHECK.text("tenantId", tenantId);
        CHECK.schema("schema", schema);
    }
}
