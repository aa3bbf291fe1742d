package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.ApiException;
import java.util.Map;

/** Requests the client has no shortcut for. */
final class ApiClientSupport {

    private ApiClientSupport() {}

    static JsonNode put(ApiClient client, String path, Object body) {
        ApiClient.Response response = client.send("PUT", path, body, Map.of());
        if (response.status() >= 400) {
            JsonNode problem = response.body() != null && response.body().isObject() ? response.body() : null;
            throw new ApiException(
                    client.service(),
                    "PUT",
                    path,
                    response.status(),
                    problem,
                    response.body() == null ? null : response.body().toString());
        }
        return response.body();
    }
}
