package dev.tenantry.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/** Talks to a running stack's {@link ControlServer}, found through its state file and token file. */
final class ControlClient {

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI base;
    private final String token;

    private ControlClient(HttpClient http, ObjectMapper json, URI base, String token) {
        this.http = http;
        this.json = json;
        this.base = base;
        this.token = token;
    }

    /** The control channel of the stack whose files these are; fails if it has not written them yet. */
    static ControlClient of(StackFiles files, ObjectMapper json) throws IOException {
        JsonNode state = json.readTree(files.stateFile().toFile());
        int port = state.path("controlPort").asInt(0);
        if (port == 0) {
            throw new IOException(files.stateFile() + " names no control port (a stack from an older build?)");
        }
        String token = Files.readString(files.controlTokenFile(), StandardCharsets.US_ASCII)
                .strip();
        return new ControlClient(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                json,
                URI.create("http://127.0.0.1:" + port),
                token);
    }

    JsonNode components() throws IOException {
        return send("GET", "/components", Duration.ofSeconds(30));
    }

    /** {@code stop} or {@code restart}; waits for the stack to have done it. */
    JsonNode operate(String component, String operation) throws IOException {
        return send("POST", "/components/" + component + "/" + operation, Duration.ofSeconds(180));
    }

    private JsonNode send(String method, String path, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = json.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new IOException(body.path("error").asText("HTTP " + response.statusCode()));
            }
            return body;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
