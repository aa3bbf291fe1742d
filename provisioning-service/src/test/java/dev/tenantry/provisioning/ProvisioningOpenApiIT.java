package dev.tenantry.provisioning;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.testinfra.OpenApiRules;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document: the one bearer scheme, each route's roles, a schema for every
 * success (the timeline's included) and the tenant status as an enum of every value.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class ProvisioningOpenApiIT {

    private static final String STATUS = "#/components/schemas/TenantStatus";

    @Test
    void theDocumentNamesTheSchemeTheRolesAndASchemaForEverySuccess() {
        JsonPath api = document();
        OpenApiRules.check(api.getMap("$"));
        assertThat(api.getList("paths.'/tenants'.post.x-roles", String.class)).containsExactly("tenant-admin");
        assertThat(api.getList("paths.'/tenants/{idOrSlug}/timeline'.get.x-roles", String.class))
                .containsExactly("viewer", "tenant-admin", "operator");
        assertThat(api.getList("paths.'/admin/saga/sweep'.post.x-roles", String.class))
                .containsExactly("operator");
        assertThat(api.getList("paths.'/admin/dead-letters'.get.x-roles", String.class))
                .containsExactly("operator");
        assertThat(
                        api.getString(
                                "paths.'/tenants/{idOrSlug}/timeline'.get.responses.'200'.content.'application/json'.schema.$ref"))
                .isEqualTo("#/components/schemas/TimelineView");
    }

    @Test
    void theTenantStatusIsAnEnumOfEveryValueWhereverAStatusIsShown() {
        JsonPath api = document();
        assertThat(OpenApiRules.enumValues(api.getMap("$"), "TenantStatus"))
                .containsExactly(
                        Arrays.stream(TenantStatus.values()).map(Enum::name).toArray());
        assertThat(api.getString("components.schemas.TenantView.properties.status.$ref"))
                .isEqualTo(STATUS);
        assertThat(api.getString("components.schemas.AcceptedTenant.properties.status.$ref"))
                .isEqualTo(STATUS);
        assertThat(api.getString("components.schemas.TimelineEntry.properties.fromStatus.$ref"))
                .isEqualTo(STATUS);
        assertThat(api.getString("components.schemas.TimelineEntry.properties.toStatus.$ref"))
                .isEqualTo(STATUS);
        assertThat(api.getString("paths.'/tenants'.get.parameters.find { it.name == 'status' }.schema.$ref"))
                .isEqualTo(STATUS);
    }

    private static JsonPath document() {
        return given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}
