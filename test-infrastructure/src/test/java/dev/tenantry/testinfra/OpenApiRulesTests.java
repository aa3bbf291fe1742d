package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each rule of {@link OpenApiRules} on a small document, kept and then broken. */
class OpenApiRulesTests {

    @Test
    void aDocumentFollowingTheRulesPasses() {
        assertEquals(List.of(), OpenApiRules.problems(document()));
        OpenApiRules.check(document());
    }

    @Test
    void aSecondSchemeOrAnotherNameIsAProblem() {
        assertBroken(d -> schemes(d).put("SecurityScheme", bearerJwt()), "security schemes are");
        assertBroken(
                d -> {
                    schemes(d).put("jwt", schemes(d).remove("bearer"));
                },
                "security schemes are");
        assertBroken(d -> ((Map<String, Object>) schemes(d).get("bearer")).remove("bearerFormat"), "bearerFormat");
    }

    @Test
    void anOperationRequiringAnotherSchemeIsAProblem() {
        assertBroken(
                d -> operation(d, "/things", "get").put("security", List.of(Map.of("jwt", List.of("viewer")))),
                "requires security scheme jwt");
    }

    @Test
    void aSecuredOperationMustNameItsRolesInItsDescriptionAndExtension() {
        assertBroken(
                d -> operation(d, "/things", "post").put("description", "Makes a thing."), "needs role tenant-admin");
        assertBroken(
                d -> operation(d, "/things", "post").put("security", List.of(Map.of("bearer", List.of()))),
                "names no role");
        assertBroken(d -> operation(d, "/things", "post").put("x-roles", List.of("operator")), "x-roles");
    }

    @Test
    void anOperationWithoutRequirementMustSayItIsPublic() {
        assertBroken(d -> operation(d, "/things", "get").remove("security"), "does not say it is public");
        Map<String, Object> document = document();
        operation(document, "/things", "get").remove("security");
        operation(document, "/things", "get").put("description", "Public: no bearer token needed.");
        operation(document, "/things", "get").put("x-roles", List.of());
        assertEquals(List.of(), OpenApiRules.problems(document));
    }

    @Test
    void everySuccessNeedsASchema() {
        assertBroken(d -> responses(d, "/things", "get").remove("200"), "documents no success answer");
        assertBroken(
                d -> ((Map<String, Object>) responses(d, "/things", "get").get("200")).remove("content"),
                "answers 200 with no content");
        assertBroken(
                d -> ((Map<String, Object>) responses(d, "/things", "post").get("201"))
                        .put("content", Map.of("application/json", Map.of())),
                "answers 201 application/json with no schema");
    }

    @Test
    void enumValuesAreReadFromTheComponents() {
        assertEquals(List.of("ON", "OFF"), OpenApiRules.enumValues(document(), "Switch"));
        assertEquals(List.of(), OpenApiRules.enumValues(document(), "Missing"));
    }

    private static void assertBroken(Consumer<Map<String, Object>> breakIt, String expected) {
        Map<String, Object> document = document();
        breakIt.accept(document);
        List<String> problems = OpenApiRules.problems(document);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), expected + " not in " + problems);
        AssertionError error = assertThrows(AssertionError.class, () -> OpenApiRules.check(document));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schemes(Map<String, Object> document) {
        return (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("securitySchemes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> operation(Map<String, Object> document, String path, String method) {
        return (Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) document.get("paths")).get(path)).get(method);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> responses(Map<String, Object> document, String path, String method) {
        return (Map<String, Object>) operation(document, path, method).get("responses");
    }

    private static Map<String, Object> bearerJwt() {
        return mutable(Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT"));
    }

    /** Two operations as the services' documents have them; every map and list mutable. */
    private static Map<String, Object> document() {
        Map<String, Object> schema = mutable(Map.of("$ref", "#/components/schemas/Thing"));
        Map<String, Object> get = mutable(Map.of(
                "description",
                "Roles: any of viewer, operator.",
                "x-roles",
                new ArrayList<>(List.of("viewer", "operator")),
                "security",
                new ArrayList<>(List.of(mutable(Map.of("bearer", new ArrayList<>(List.of("viewer", "operator")))))),
                "responses",
                mutable(Map.of(
                        "200",
                                mutable(Map.of(
                                        "description",
                                        "OK",
                                        "content",
                                        mutable(Map.of("application/json", mutable(Map.of("schema", schema)))))),
                        "403", mutable(Map.of("description", "Not Allowed"))))));
        Map<String, Object> post = mutable(Map.of(
                "description",
                "Role: tenant-admin. Makes a thing.",
                "x-roles",
                new ArrayList<>(List.of("tenant-admin")),
                "security",
                new ArrayList<>(List.of(mutable(Map.of("bearer", new ArrayList<>(List.of("tenant-admin")))))),
                "responses",
                mutable(Map.of(
                        "201",
                                mutable(Map.of(
                                        "description",
                                        "Made",
                                        "content",
                                        mutable(Map.of("application/json", mutable(Map.of("schema", schema)))))),
                        "204", mutable(Map.of("description", "Nothing to make"))))));
        Map<String, Object> components = mutable(Map.of(
                "securitySchemes", mutable(Map.of("bearer", bearerJwt())),
                "schemas", mutable(Map.of("Switch", mutable(Map.of("type", "string", "enum", List.of("ON", "OFF")))))));
        return mutable(Map.of(
                "openapi",
                "3.1.0",
                "components",
                components,
                "paths",
                mutable(Map.of("/things", mutable(Map.of("get", get, "post", post))))));
    }

    private static Map<String, Object> mutable(Map<String, Object> map) {
        return new LinkedHashMap<>(map);
    }
}
