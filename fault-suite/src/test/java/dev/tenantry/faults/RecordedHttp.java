package dev.tenantry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain HTTP client that keeps every exchange it had, so that a scenario can afterwards search
 * all the answers it received (for secrets, say).
 */
final class RecordedHttp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "recorded-http");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .executor(connections)
            .build();
    private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param authorization the Authorization header's value; null sends none
     * @param body          JSON sent as application/json; null sends no body
     */
    Exchange send(String method, String url, String authorization, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(2))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Exchange exchange = new Exchange(
                method,
                url,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body(),
                response.headers().map());
        exchanges.add(exchange);
        return exchange;
    }

    Exchange send(String method, String url, String authorization, String body)
            throws IOException, InterruptedException {
        return send(method, url, authorization, Map.of(), body);
    }

    List<Exchange> exchanges() {
        synchronized (exchanges) {
            return List.copyOf(exchanges);
        }
    }

    @Override
    public void close() {
        connections.shutdownNow();
    }

    /** One request and its answer. */
    record Exchange(
            String method, String url, int status, String contentType, String body, Map<String, List<String>> headers) {

        boolean isProblem() {
            return contentType.startsWith("application/problem+json")
                    && json().path("status").asInt() == status;
        }

        /** A 404 from the HTTP layer (no such route), not from an operation that looked something up. */
        boolean isUnknownRoute() {
            return status == 404 && json().path("detail").asText().startsWith("No route ");
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }

        String describe() {
            return method + " " + url + " answered " + status;
        }
    }
}
