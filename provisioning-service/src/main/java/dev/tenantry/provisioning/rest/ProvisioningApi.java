package dev.tenantry.provisioning.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The OpenAPI description of the service (served at /q/openapi, Swagger UI at /q/swagger-ui). */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Tenantry provisioning API",
                        version = "1",
                        description = "Tenant registry and provisioning saga. Errors are RFC 9457 problem+json. "
                                + "Roles: tenant-admin (create, upgrade, delete), viewer (read), operator (admin)."))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@ApplicationPath("/")
public class ProvisioningApi extends Application {}
