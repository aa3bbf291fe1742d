package dev.tenantry.support.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * Says in every operation of a service's OpenAPI document who may call it. Quarkus adds to each
 * operation guarded by {@code @RolesAllowed} a requirement of the one security scheme,
 * {@value #SCHEME} (set once, for every service, in service-support's
 * {@code META-INF/microprofile-config.properties}), listing the allowed roles; this filter copies those roles into an {@value #ROLES}
 * extension and into the first line of the description, so they are read from the annotations
 * and cannot drift. An operation without a requirement is described as public.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class RolesInOpenApi implements OASFilter {

    /** The name of the bearer JWT security scheme in every Tenantry OpenAPI document. */
    public static final String SCHEME = "bearer";
    /** The extension listing the roles an operation allows (empty: public). */
    public static final String ROLES = "x-roles";

    static final String PUBLIC = "Public: no bearer token needed.";

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getExtensions() != null && operation.getExtensions().containsKey(ROLES)) {
            return operation; // already done (the filter may see an operation twice)
        }
        Set<String> roles = new LinkedHashSet<>();
        boolean secured = false;
        List<SecurityRequirement> requirements = operation.getSecurity();
        if (requirements != null) {
            for (SecurityRequirement requirement : requirements) {
                if (requirement.getSchemes() == null || requirement.getSchemes().isEmpty()) {
                    continue; // an empty requirement means "no token needed"
                }
                secured = true;
                requirement.getSchemes().values().forEach(scopes -> {
                    if (scopes != null) {
                        roles.addAll(scopes);
                    }
                });
            }
        }
        String line;
        if (!secured) {
            line = PUBLIC;
        } else if (roles.isEmpty()) {
            line = "Needs a bearer token (any role).";
        } else if (roles.size() == 1) {
            line = "Role: " + roles.iterator().next() + ".";
        } else {
            line = "Roles: any of " + String.join(", ", roles) + ".";
        }
        operation.addExtension(ROLES, List.copyOf(roles));
        String description = operation.getDescription();
        operation.setDescription(description == null || description.isBlank() ? line : line + " " + description);
        return operation;
    }
}
