package dev.tenantry.provisioning.model;

/** The answer to an accepted tenant request: what it is about and where its saga now stands. */
public record AcceptedTenant(String id, String slug, String status) {

    public static AcceptedTenant of(Tenant tenant) {
        return new AcceptedTenant(
                tenant.idText(), tenant.slug(), tenant.status().name());
    }
}
