package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: a new tenant's schema is fully migrated; the tenant is active.
 *
 * @param tenantId the tenant id (UUID text), required
 * @param slug     the tenant slug, required
 * @param schema   the tenant schema, required
 * @param version  the schema's version, required
 */
public record TenantActivated(String tenantId, String slug, String schema, String version) implements LifecycleEvent {

    private static final Validation CHECK = Validation.of("TenantActivated");

    /**
     * Creates the record, validating every component.
     *
     * @param tenantId the tenant id (UUID text), required
     * @param slug the tenant slug, required
     * @param schema the tenant schema, required
     * @param version the schema's version, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantActivated {
        CHECK.text("tenantId", tenantId);
        CHECK.slug("slug", slug);
        CHECK.schema("schema", schema);
        CHECK.version("version", version);
    }

    @Override
    public String subject() {
        return tenantId;
    }
}
