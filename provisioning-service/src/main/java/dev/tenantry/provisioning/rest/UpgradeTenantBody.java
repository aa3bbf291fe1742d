package dev.tenantry.provisioning.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Optional body of POST /tenants/{id}/upgrade. */
@Schema(name = "UpgradeTenant")
public record UpgradeTenantBody(
        @Schema(
                description = "Migration version to upgrade to; the latest when absent. With a version the tenant "
                        + "is pinned there: drift repair leaves it alone until an upgrade without targetVersion",
                example = "3")
        String targetVersion) {}
