package dev.tenantry.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver for the local demo: accepts POSTs on /webhooks, checks the Standard Webhooks
 * signature against the endpoint's secret, prints one line per event on the console and appends
 * it as JSON to a log file.
 */
final class DemoWebhookReceiver implements AutoCloseable {

    static final String PATH = "/webhooks";

    private final HttpServer server;
    private final Path log;
    private final PrintStream console;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger received = new AtomicInteger();
    private volatile String secret;

    private DemoWebhookReceiver(HttpServer server, Path log, PrintStream console) {
        this.server = server;
        this.log = log;
        this.console = console;
    }

    static DemoWebhookReceiver start(int port, Path log, PrintStream console) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        DemoWebhookReceiver receiver = new DemoWebhookReceiver(server, log, console);
        server.createContext(PATH, receiver::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        Files.createDirectories(log.getParent());
        server.start();
        return receiver;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The endpoint's signing secret ({@code whsec_...}); until it is known, signatures are reported unchecked. */
    void secret(String secret) {
        this.secret = secret;
    }

    int received() {
        return received.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
            String verdict = verify(id, timestamp, signatures, body);
            JsonNode event = parse(body);
            received.incrementAndGet();
            String type = event.path("type").asText("?");
            String subject = event.path("subject")
                    .asText(event.path("data").path("tenantId").asText("?"));
            String slug = event.path("data").path("slug").asText("");
            console.printf(
                    "[receiver] %s tenant %s%s (webhook-id %s, %s)%n",
                    type, subject, slug.isEmpty() ? "" : " (" + slug + ")", id, verdict);
            ObjectNode line = mapper.createObjectNode()
                    .put("receivedAt", Instant.now().toString())
                    .put("webhookId", id)
                    .put("signature", verdict);
            line.set("event", event);
            Files.writeString(
                    log,
                    mapper.writeValueAsString(line) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            exchange.sendResponseHeaders("signature INVALID".equals(verdict) ? 401 : 204, -1);
        }
    }

    /** Standard Webhooks: base64(HMAC-SHA256(key, id.timestamp.body)); any of the space-separated v1 signatures. */
    String verify(String id, String timestamp, String header, byte[] body) {
        String key = secret;
        if (key == null) {
            return "signature not checked";
        }
        if (id == null || timestamp == null || header == null) {
            return "signature INVALID";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(key.substring(key.indexOf('_') + 1)), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String candidate : header.trim().split("\\s+")) {
                if (candidate.startsWith("v1,")) {
                    byte[] given = Base64.getDecoder().decode(candidate.substring(3));
                    if (MessageDigest.isEqual(expected, given)) {
                        return "signature valid";
                    }
                }
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "signature INVALID";
        }
        return "signature INVALID";
    }

    private JsonNode parse(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode().put("unparsed", new String(body, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
