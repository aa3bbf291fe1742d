package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;
import java.util.Map;

/**
 * Command: create a tenant. Its subject (Kafka key) is the slug, since no tenant id exists yet.
 *
 * @param commandId   caller-chosen command id, required
 * @param slug        the new tenant's slug, required, see {@link dev.tenantry.contracts.tenant.TenantSlug}
 * @param displayName human-readable name, required
 * @param plan        commercial plan, optional
 * @param metadata    free-form string attributes, optional (null is read as empty; never null
 *                    on an instance)
 */
public record CreateTenant(String commandId, String slug, String displayName, String plan, Map<String, String> metadata)
        implements TenantCommand {

    private static final Validation CHECK = Validation.of("CreateTenant");

    /**
     * Creates the record, validating every component.
     *
     * @param commandId caller-chosen command id, required
     * @param slug the new tenant's slug, required, see {@link dev.tenantry.contracts.tenant.TenantSlug}
     * @param displayName human-readable name, required
     * @param plan commercial plan, optional
     * @param metadata free-form string attributes, optional (null is read as empty; never null on an instance)
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public CreateTenant {
        CHECK.text("commandId", commandId);
        CHECK.slug("slug", slug);
        CHECK.text("displayName", displayName);
        CHECK.optionalText("plan", plan);
        metadata = CHECK.stringMap("metadata", metadata);
    }

    @Override
    public String subject() {
        return slug;
    }
}
