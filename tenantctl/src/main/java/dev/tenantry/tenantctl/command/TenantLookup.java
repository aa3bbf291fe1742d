package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.tenantctl.client.ApiException;
import dev.tenantry.tenantctl.client.Query;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.client.UnreachableException;

/**
 * Whether a tenant named on the command line exists. A drift report lists only tenants with a
 * problem, so "nothing reported" for a name says nothing until someone confirms the tenant is real:
 * the migration worker (it ran migrations for that tenant id) or the provisioning service (its
 * registry knows the id or slug).
 */
final class TenantLookup {

    enum Answer {
        KNOWN,
        UNKNOWN,
        CANNOT_TELL
    }

    record Result(Answer answer, String detail) {}

    private TenantLookup() {}

    /** @param tenant a tenant id, slug or schema name ({@code tenant_<slug>}) */
    static Result find(Cli cli, String tenant) {
        JsonNode runs = cli.client(Service.WORKER)
                .get(Query.path("/admin/tenants/" + Query.segment(tenant) + "/runs")
                        .param("limit", 1)
                        .toString());
        if (runs.isArray() && !runs.isEmpty()) {
            return new Result(Answer.KNOWN, "the migration worker has migrated it");
        }
        String idOrSlug = tenant.startsWith("tenant_") ? tenant.substring("tenant_".length()) : tenant;
        try {
            cli.client(Service.PROVISIONING).get("/tenants/" + Query.segment(idOrSlug));
            return new Result(Answer.KNOWN, "the provisioning service knows it");
        } catch (ApiException e) {
            if (e.status() == 404) {
                return new Result(
                        Answer.UNKNOWN,
                        "unknown tenant '" + tenant + "': the migration worker has no "
                                + "migration run for it and the provisioning service has no tenant '" + idOrSlug + "'");
            }
            throw e;
        } catch (UnreachableException e) {
            return new Result(
                    Answer.CANNOT_TELL,
                    "no drift reported for '" + tenant + "', but it is not a tenant id the "
                            + "migration worker has migrated, and the provisioning service could not confirm it exists: "
                            + e.getMessage());
        }
    }
}
