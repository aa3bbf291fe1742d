package dev.tenantry.dispatcher.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.model.AttemptResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against a real HTTP server on loopback; only name resolution is played by the test. */
class WebhookSenderTests {

    private static final byte[] KEY = new byte[32];

    /**
     * The attempt budget of every test but the one about the budget itself. A first request pays
     * for the client's class loading and connection set-up; on a loaded two-core machine that took
     * more than the 700 ms the timeout test needs, and a healthy receiver was reported RETRYABLE.
     */
    private static final Duration AMPLE = Duration.ofSeconds(10);

    private static final Duration SHORT = Duration.ofMillis(700);

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, HttpServerRequest> seen = new ConcurrentHashMap<>();
    private HttpServer server;
    private SsrfGuard guard;
    private WebhookSender sender;

    @BeforeEach
    void start() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(this::answer)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        // "hooks.example.test" resolves to loopback, which this guard allows; "moved.example.test" to metadata.
        guard = new SsrfGuard(true, List.of(Cidr.parse("127.0.0.0/8")), WebhookSenderTests::resolve);
        sender = new WebhookSender(guard, config(AMPLE), vertx);
    }

    @AfterEach
    void stop() throws Exception {
        sender.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHostNameIsCalledAtTheCheckedAddressWithItsOwnHostHeader() throws Exception {
        AttemptResult result = send("http://hooks.example.test:" + server.actualPort() + "/ok?x=1");

        assertThat(result.kind()).isEqualTo(AttemptResult.Kind.SUCCESS);
        assertThat(result.status()).isEqualTo(200);
        HttpServerRequest request = seen.get("/ok");
        assertThat(request.getHeader("host")).isEqualTo("hooks.example.test:" + server.actualPort());
        assertThat(request.query()).isEqualTo("x=1");
        assertThat(request.getHeader("webhook-id")).isEqualTo("msg_1");
        assertThat(request.getHeader("webhook-signature")).startsWith("v1,");
        assertThat(request.getHeader("content-type")).isEqualTo(WebhookSender.CONTENT_TYPE);
    }

    @Test
    void aHostThatResolvesToARefusedAddressIsNotCalled() throws Exception {
        AttemptResult result = send("http://moved.example.test:" + server.actualPort() + "/ok");

        assertThat(result.kind()).isEqualTo(AttemptResult.Kind.REFUSED);
        // The attempt's error is shown to tenant-admins: it names the host, not the address behind it.
        assertThat(result.error())
                .contains("URL refused")
                .contains("may not call")
                .doesNotContain("169.254");
        assertThat(seen).isEmpty();
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        AttemptResult result = send("http://127.0.0.1:" + server.actualPort() + "/redirect");

        assertThat(result.kind()).isEqualTo(AttemptResult.Kind.RETRYABLE);
        assertThat(result.status()).isEqualTo(302);
        assertThat(seen).containsOnlyKeys("/redirect");
    }

    @Test
    void onlyTheFirstKilobytesOfALargeBodyAreKept() throws Exception {
        AttemptResult result = send("http://127.0.0.1:" + server.actualPort() + "/large");

        assertThat(result.status()).isEqualTo(500);
        assertThat(result.responseBody()).hasSize(WebhookSender.KEPT_BODY_BYTES).matches("x+");
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aReceiverThatNeverFinishesItsAnswerRunsIntoTheTotalTimeout() throws Exception {
        WebhookSender impatient = new WebhookSender(guard, config(SHORT), vertx);
        try {
            AttemptResult result = impatient
                    .send(
                            "http://127.0.0.1:" + server.actualPort() + "/stall",
                            "msg_1",
                            "{\"hello\":1}".getBytes(StandardCharsets.UTF_8),
                            List.of(KEY))
                    .get(30, TimeUnit.SECONDS);

            assertThat(result.kind()).isEqualTo(AttemptResult.Kind.RETRYABLE);
            assertThat(result.error()).isEqualTo("no complete response within 700 ms");
        } finally {
            impatient.close();
        }
    }

    @Test
    void aClosedPortIsAConnectionError() throws Exception {
        int port = server.actualPort();
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        AttemptResult result = send("http://127.0.0.1:" + port + "/ok");

        assertThat(result.kind()).isEqualTo(AttemptResult.Kind.RETRYABLE);
        assertThat(result.error()).isEqualTo("connection refused or unreachable");
    }

    private AttemptResult send(String url) throws Exception {
        return sender.send(url, "msg_1", "{\"hello\":1}".getBytes(StandardCharsets.UTF_8), List.of(KEY))
                .get(30, TimeUnit.SECONDS);
    }

    private void answer(HttpServerRequest request) {
        seen.put(request.path(), request);
        switch (request.path()) {
            case "/redirect" ->
                request.response()
                        .setStatusCode(302)
                        .putHeader("location", "http://169.254.169.254/")
                        .end();
            case "/large" ->
                request.response()
                        .setStatusCode(500)
                        .putHeader("retry-after", "7")
                        .end("x".repeat(100_000));
            case "/stall" -> request.response().setChunked(true).write("partial");
            default -> request.response().setStatusCode(200).end("ok");
        }
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        return switch (host) {
            case "hooks.example.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
            case "moved.example.test" ->
                new InetAddress[] {
                    InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})
                };
            default -> InetAddress.getAllByName(host);
        };
    }

    /** Only the delivery settings the sender reads. */
    private static DispatcherConfig config(Duration requestTimeout) {
        DispatcherConfig.Delivery delivery = (DispatcherConfig.Delivery) Proxy.newProxyInstance(
                WebhookSenderTests.class.getClassLoader(),
                new Class<?>[] {DispatcherConfig.Delivery.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "requestTimeout" -> requestTimeout;
                    case "connectTimeout" -> Duration.ofSeconds(1);
                    case "maxConcurrency" -> 8;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (DispatcherConfig) Proxy.newProxyInstance(
                WebhookSenderTests.class.getClassLoader(),
                new Class<?>[] {DispatcherConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("delivery")) {
                        return delivery;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
