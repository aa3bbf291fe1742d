package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.execute;
import static dev.tenantry.dispatcher.DispatcherTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Endpoint and delivery lists walked a page at a time with their cursors, while rows are added:
 * every row present when the walk began is seen exactly once, in a stable order. Rows are written
 * in one statement, so many share one created_at and the id decides their order.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class PaginationIT {

    private static final String PROBLEM = "application/problem+json";

    record Row(String id, Instant createdAt) {}

    @Test
    void walkingTheEndpointListSeesEveryEndpointOnceOldestFirst() throws Exception {
        String tenant = "pages-" + UUID.randomUUID();
        insertEndpoints(tenant, 23);
        List<String> before = DispatcherTestSupport.strings(
                "SELECT id::text FROM webhook_endpoint WHERE ? = ANY (tenant_ids)", tenant);

        List<Row> seen = walk("/webhook-endpoints", tenant, 5, page -> insertEndpoints(tenant, 2));

        assertThat(seen).extracting(Row::id).doesNotHaveDuplicates().containsAll(before);
        // PostgreSQL orders uuids byte by byte, as their lower-case text sorts.
        assertThat(seen)
                .isSortedAccordingTo(Comparator.comparing(Row::createdAt).thenComparing(Row::id));
    }

    @Test
    void walkingTheDeliveryLogSeesEveryDeliveryOnceNewestFirst() throws Exception {
        String tenant = "pages-" + UUID.randomUUID();
        insertEndpoints(tenant, 1);
        String endpoint = DispatcherTestSupport.strings(
                        "SELECT id::text FROM webhook_endpoint WHERE ? = ANY (tenant_ids)", tenant)
                .get(0);
        insertDeliveries(endpoint, tenant, 31);
        List<String> before =
                DispatcherTestSupport.strings("SELECT id::text FROM webhook_delivery WHERE tenant_id = ?", tenant);

        List<Row> seen = walk("/webhook-deliveries", tenant, 7, page -> insertDeliveries(endpoint, tenant, 3));

        assertThat(seen).extracting(Row::id).doesNotHaveDuplicates().containsAll(before);
        assertThat(seen)
                .isSortedAccordingTo(Comparator.comparing(Row::createdAt)
                        .thenComparing(Row::id)
                        .reversed());
    }

    @Test
    void aLimitOutOfBoundsOrAForeignCursorIsABadRequest() {
        for (String path : List.of("/webhook-endpoints", "/webhook-deliveries")) {
            for (String limit : List.of("0", "501", "-1", "ten", "1e3")) {
                given().header("Authorization", viewer())
                        .queryParam("limit", limit)
                        .when()
                        .get(path)
                        .then()
                        .statusCode(400)
                        .contentType(PROBLEM)
                        .body("errors[0].field", equalTo("limit"));
            }
            for (String cursor : List.of("garbage", "MTIz", UUID.randomUUID().toString())) {
                given().header("Authorization", viewer())
                        .queryParam("cursor", cursor)
                        .when()
                        .get(path)
                        .then()
                        .statusCode(400)
                        .contentType(PROBLEM)
                        .body("errors[0].field", equalTo("cursor"));
            }
        }
    }

    @Test
    void theOpenApiDocumentDescribesThePages() {
        JsonPath api = given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        for (String path : List.of("/webhook-endpoints", "/webhook-deliveries")) {
            assertThat(api.getList("paths.'" + path + "'.get.parameters.name", String.class))
                    .contains("limit", "cursor");
            assertThat(api.getMap("paths.'" + path + "'.get.responses")).containsKey("400");
        }
        assertThat(api.getMap("components.schemas.EndpointPageView.properties")).containsKeys("items", "nextCursor");
        assertThat(api.getMap("components.schemas.DeliveryPageView.properties")).containsKeys("items", "nextCursor");
    }

    /** Follows nextCursor to the end, calling {@code between} after each page but the last. */
    private static List<Row> walk(String path, String tenant, int limit, ThrowingConsumer between) throws Exception {
        List<Row> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().header("Authorization", viewer())
                    .queryParam("tenant", tenant)
                    .queryParam("limit", limit);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page =
                    request.when().get(path).then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("items.id", String.class);
            List<String> created = page.getList("items.createdAt", String.class);
            assertThat(ids).hasSizeLessThanOrEqualTo(limit);
            for (int i = 0; i < ids.size(); i++) {
                seen.add(new Row(ids.get(i), Instant.parse(created.get(i))));
            }
            cursor = page.getString("nextCursor");
            if (cursor != null) {
                assertThat(ids).hasSize(limit);
                between.accept(pages);
            }
            assertThat(++pages).as("pages walked").isLessThan(100);
        } while (cursor != null);
        assertThat(pages).isGreaterThan(3);
        return seen;
    }

    @FunctionalInterface
    interface ThrowingConsumer {
        void accept(int page) throws Exception;
    }

    // Disabled, for this tenant only: no test's event is ever queued for them.
    private static void insertEndpoints(String tenant, int count) throws Exception {
        execute(
                "INSERT INTO webhook_endpoint (id, url, tenant_ids, enabled, disabled_reason) "
                        + "SELECT gen_random_uuid(), 'https://pages.invalid/' || n, ARRAY[?], false, 'pagination test' "
                        + "FROM generate_series(1, ?) AS n",
                tenant,
                count);
    }

    // Delivered already: never claimed by the delivery engine.
    private static void insertDeliveries(String endpoint, String tenant, int count) throws Exception {
        execute(
                "INSERT INTO webhook_delivery (id, event_id, endpoint_id, tenant_id, event_type, payload, status) "
                        + "SELECT gen_random_uuid(), gen_random_uuid()::text, ?::uuid, ?, 'dev.tenantry.tenant.activated', "
                        + "'{}', 'delivered' FROM generate_series(1, ?) AS n",
                endpoint,
                tenant,
                count);
    }
}
