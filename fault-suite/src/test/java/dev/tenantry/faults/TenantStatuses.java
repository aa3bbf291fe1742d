package dev.tenantry.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Each tenant's status as its owner sees it: {@code GET /tenants/{id}}. */
final class TenantStatuses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TenantStatuses() {}

    /** @return status by slug, in the signups' order */
    static Map<String, String> of(List<Signup> signups, String provisioningUrl, String token) throws Exception {
        ExecutorService connections = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "tenant-status-http");
            thread.setDaemon(true);
            return thread;
        });
        try {
            HttpClient http = HttpClient.newBuilder().executor(connections).build();
            Map<String, String> statuses = new LinkedHashMap<>();
            for (Signup signup : signups) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(provisioningUrl + "/tenants/" + signup.id()))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                statuses.put(
                        signup.slug(),
                        response.statusCode() == 200
                                ? JSON.readTree(response.body()).get("status").asText()
                                : "HTTP " + response.statusCode());
            }
            return statuses;
        } finally {
            connections.shutdownNow();
        }
    }
}
