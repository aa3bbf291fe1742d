package dev.tenantry.tenantctl.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** JSON over HTTP to one Tenantry service, with its bearer token. */
public final class ApiClient {

    /** A response: status and body (null when empty or not JSON). */
    public record Response(int status, JsonNode body) {}

    private final Service service;
    private final String baseUrl;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper mapper;

    public ApiClient(
            Service service, String baseUrl, String token, Duration timeout, HttpClient http, ObjectMapper mapper) {
        this.service = service;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.timeout = timeout;
        this.http = http;
        this.mapper = mapper;
    }

    public Service service() {
        return service;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public JsonNode get(String path) {
        return checked("GET", path, send("GET", path, null, Map.of())).body();
    }

    public JsonNode post(String path, Object body) {
        return post(path, body, Map.of());
    }

    public JsonNode post(String path, Object body, Map<String, String> headers) {
        return checked("POST", path, send("POST", path, body, headers)).body();
    }

    public JsonNode delete(String path, Map<String, String> headers) {
        return checked("DELETE", path, send("DELETE", path, null, headers)).body();
    }

    /** Sends without judging the status: for health, where 503 is an answer, not an error. */
    public Response send(String method, String path, Object body, Map<String, String> headers) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json, application/problem+json");
        if (token != null) {
            request.header("Authorization", token.regionMatches(true, 0, "Bearer ", 0, 7) ? token : "Bearer " + token);
        }
        headers.forEach(request::header);
        if (body != null) {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot encode request body", e);
            }
        } else if (method.equals("POST")) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UnreachableException(service, baseUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException(service, baseUrl, e);
        }
        return new Response(response.statusCode(), parse(response.body()));
    }

    private Response checked(String method, String path, Response response) {
        if (response.status() >= 400) {
            JsonNode problem = response.body() != null && response.body().isObject() ? response.body() : null;
            throw new ApiException(
                    service,
                    method,
                    path,
                    response.status(),
                    problem,
                    response.body() == null ? null : response.body().toString());
        }
        return response;
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            // Not JSON (a proxy's HTML page, plain text): keep it as text for the error message.
            return mapper.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }
}
