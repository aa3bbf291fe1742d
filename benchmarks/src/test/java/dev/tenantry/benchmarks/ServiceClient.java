package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The services' REST API as a careful client uses it: the stack's token, a fresh Idempotency-Key
 * per POST. A plain {@code java.net.http} client with its own threads, so that the client side
 * costs little of the two cores the system runs on.
 */
public final class ServiceClient implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "bench-http");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(threads)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    ServiceClient(String token) {
        this.token = token;
    }

    public HttpResponse<String> post(String url, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Content-Type", "application/json")
                .POST(
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** POST that must answer 2xx; its body as JSON (an empty body is a missing node). */
    public JsonNode postOk(String url, Object body) throws IOException, InterruptedException {
        return ok(post(url, body), "POST " + url);
    }

    /** GET that must answer 2xx; its body as JSON. */
    public JsonNode get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        return ok(http.send(request, HttpResponse.BodyHandlers.ofString()), "GET " + url);
    }

    /** PUT that must answer 2xx; its body as JSON. */
    public JsonNode putOk(String url, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return ok(http.send(request, HttpResponse.BodyHandlers.ofString()), "PUT " + url);
    }

    private static JsonNode ok(HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
