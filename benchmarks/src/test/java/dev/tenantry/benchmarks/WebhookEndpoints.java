package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The dispatcher's endpoint API, as a tenant admin (and the stack's operator) uses it. */
final class WebhookEndpoints {

    private final ServiceClient client;
    private final String baseUrl;

    WebhookEndpoints(ServiceClient client, String dispatcherUrl) {
        this.client = client;
        this.baseUrl = dispatcherUrl + "/webhook-endpoints";
    }

    /** Registers an endpoint for these tenants' events; returns its id. */
    String register(String url, List<String> tenantIds) throws Exception {
        return client.postOk(baseUrl, Map.of("url", url, "description", "benchmark receiver", "tenantIds", tenantIds))
                .path("id")
                .asText();
    }

    /** Every registered endpoint whose URL is {@code url}, walking all pages. */
    List<JsonNode> withUrl(String url) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = client.get(baseUrl + "?limit=500"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            for (JsonNode endpoint : page.path("items")) {
                if (url.equals(endpoint.path("url").asText())) {
                    found.add(endpoint);
                }
            }
            cursor = page.path("nextCursor").isTextual()
                    ? page.path("nextCursor").asText()
                    : null;
        } while (cursor != null);
        return found;
    }

    /** PUT of the endpoint as it is, with {@code enabled} set; filters and description are kept. */
    void setEnabled(JsonNode endpoint, boolean enabled) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", endpoint.path("url").asText());
        body.put(
                "description",
                endpoint.path("description").isTextual()
                        ? endpoint.path("description").asText()
                        : null);
        body.put("eventTypes", endpoint.path("eventTypes").isArray() ? endpoint.path("eventTypes") : null);
        body.put("tenantIds", endpoint.path("tenantIds").isArray() ? endpoint.path("tenantIds") : null);
        body.put("enabled", enabled);
        client.putOk(baseUrl + "/" + endpoint.path("id").asText(), body);
    }
}
