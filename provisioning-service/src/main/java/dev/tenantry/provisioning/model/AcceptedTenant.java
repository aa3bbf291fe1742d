package dev.tenantry.provisioning.model;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to an accepted tenant request: what it is about and where its saga now stands. */
public record AcceptedTenant(
        String id,
        String slug,
        @Schema(ref = "TenantStatus") String status) {

    public static AcceptedTenant of(Tenant tenant) {
        return new AcceptedTenant(
                tenant.idText(), tenant.slug(), tenant.status().name());
    }
}
