package dev.tenantry.provisioning.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/**
 * The OpenAPI description of the service (served at /q/openapi, Swagger UI at /q/swagger-ui). The
 * security scheme is the one every Tenantry service declares (service-support's
 * microprofile-config.properties); each route's roles come from its {@code @RolesAllowed}.
 */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Tenantry provisioning API",
                        version = "1",
                        description = "Tenant registry and provisioning saga. Errors are RFC 9457 problem+json. "
                                + "Roles: tenant-admin (create, upgrade, delete), viewer (read), operator (admin)."))
@ApplicationPath("/")
public class ProvisioningApi extends Application {}
