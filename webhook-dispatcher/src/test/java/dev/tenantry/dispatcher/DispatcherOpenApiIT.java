package dev.tenantry.dispatcher;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.testinfra.OpenApiRules;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document: the one bearer scheme, each route's roles, a schema for every success. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class DispatcherOpenApiIT {

    @Test
    void theDocumentNamesTheSchemeTheRolesAndASchemaForEverySuccess() {
        JsonPath api = given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        OpenApiRules.check(api.getMap("$"));
        assertThat(api.getList("paths.'/webhook-endpoints'.post.x-roles", String.class))
                .containsExactly("tenant-admin", "operator");
        assertThat(api.getList("paths.'/webhook-endpoints/{id}/recover'.post.x-roles", String.class))
                .containsExactly("operator");
        assertThat(api.getList("paths.'/webhook-deliveries'.get.x-roles", String.class))
                .containsExactly("viewer", "tenant-admin", "operator");
        assertThat(api.getString(
                        "paths.'/webhook-endpoints'.post.responses.'201'.content.'application/json'.schema.$ref"))
                .isEqualTo("#/components/schemas/WebhookEndpoint");
    }
}
