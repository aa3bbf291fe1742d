package dev.tenantry.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.testinfra.OpenApiRules;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document: the one bearer scheme, each route's roles, a schema for every success. */
@QuarkusTest
class WorkerOpenApiIT {

    @Test
    void theDocumentNamesTheSchemeTheRolesAndASchemaForEverySuccess() {
        JsonPath api = given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        OpenApiRules.check(api.getMap("$"));
        assertThat(api.getList("paths.'/admin/drift'.get.x-roles", String.class))
                .containsExactly("operator");
        assertThat(api.getList("paths.'/admin/dead-letters/replay'.post.x-roles", String.class))
                .containsExactly("operator");
        assertThat(api.getString(
                        "paths.'/admin/drift/fix'.post.responses.'202'.content.'application/json'.schema.$ref"))
                .isEqualTo("#/components/schemas/FleetProgress");
    }
}
