package dev.tenantry.provisioning.rest;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of POST /tenants. Unknown fields are refused (400). */
@Schema(name = "CreateTenant", description = "A new tenant")
public record CreateTenantBody(
        @Schema(required = true, pattern = "^[a-z][a-z0-9_]{2,39}$", description = "Becomes the schema tenant_<slug>")
        String slug,

        @Schema(required = true, maxLength = 200) String displayName,
        @Schema(description = "Plan name, free text") String plan,

        @Schema(description = "String key/value pairs kept with the tenant")
        Map<String, String> metadata) {}
