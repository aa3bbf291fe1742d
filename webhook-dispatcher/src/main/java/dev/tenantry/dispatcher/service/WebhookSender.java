package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.AttemptResult.Kind;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one signed webhook request and says what came of it; never throws. The URL goes through
 * the SSRF guard again right before the request (its DNS answer may have changed since
 * registration), and the request goes to the address the guard checked, not to a second lookup:
 * the connection is opened to that address while the Host header, TLS server name (SNI) and
 * certificate check use the URL's host. Redirects are not followed: a 3xx is a failed attempt.
 *
 * <p>Requests run on the Vert.x event loops Quarkus already has (non-blocking, keep-alive
 * connections pooled per origin and address): far less CPU per request than java.net.http.
 */
@ApplicationScoped
public class WebhookSender {

    public static final String CONTENT_TYPE = "application/cloudevents+json";
    static final String USER_AGENT = "Tenantry-Webhooks/1.0";
    static final int KEPT_BODY_BYTES = 4096;
    /** A response body is read (and dropped) up to this size so its connection can be reused; beyond, it is closed. */
    static final int DRAINED_BODY_BYTES = 1 << 20;

    private final SsrfGuard guard;
    private final Vertx vertx;
    private final Duration requestTimeout;
    private final long connectTimeoutMs;
    private final HttpClient client;
    private final ExecutorService preparation;

    public WebhookSender(SsrfGuard guard, DispatcherConfig config, Vertx vertx) {
        this.guard = guard;
        this.vertx = vertx;
        DispatcherConfig.Delivery delivery = config.delivery();
        this.requestTimeout = delivery.requestTimeout();
        this.connectTimeoutMs = delivery.connectTimeout().toMillis();
        // DNS lookups of the guard may block: never on the engine's claim thread nor on an event loop.
        this.preparation = Executors.newCachedThreadPool(daemon("webhook-prepare"));
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setKeepAliveTimeout(30)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
                .setVerifyHost(true)
                .setForceSni(true)
                .setDecompressionSupported(false)
                .setMaxRedirects(0);
        // Several endpoints may share one origin; the engine bounds what is in flight, not the pool.
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(delivery.maxConcurrency() + 8);
        this.client = vertx.createHttpClient(options, pool);
    }

    /**
     * @param messageId the {@code webhook-id}: the same for every attempt of a delivery
     * @param keys      signing keys, current first; one signature each
     */
    public CompletableFuture<AttemptResult> send(String url, String messageId, byte[] body, List<byte[]> keys) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        CompletableFuture<RequestOptions> request;
        if (hasAddressLiteral(url)) {
            // No DNS lookup to wait for: prepare on the caller's thread and spare a hand-over.
            request = new CompletableFuture<>();
            try {
                request.complete(prepare(url, messageId, body, keys));
            } catch (RuntimeException e) {
                request.completeExceptionally(e);
            }
        } else {
            request = CompletableFuture.supplyAsync(() -> prepare(url, messageId, body, keys), preparation);
        }
        return request.thenCompose(options -> exchange(options, body)).handle((response, error) -> {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (error != null) {
                return failure(startedAt, millis, unwrap(error));
            }
            return response.toResult(startedAt, millis);
        });
    }

    private RequestOptions prepare(String url, String messageId, byte[] body, List<byte[]> keys) {
        SsrfGuard.Target target;
        try {
            target = guard.resolve(url);
        } catch (SsrfGuard.UrlRefusedException e) {
            throw new CompletionException(new RefusedUrl(e.getMessage()));
        }
        URI uri = target.uri();
        boolean https = uri.getScheme().toLowerCase(Locale.ROOT).equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        long timestamp = Instant.now().getEpochSecond();
        return new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setSsl(https)
                .setHost(host)
                .setPort(port)
                // Connect to the checked address; Host, SNI and certificate name stay the URL's host.
                .setServer(SocketAddress.inetSocketAddress(
                        new InetSocketAddress(target.addresses().get(0), port)))
                .setURI(path)
                .setFollowRedirects(false)
                .setConnectTimeout(connectTimeoutMs)
                .putHeader("content-type", CONTENT_TYPE)
                .putHeader("user-agent", USER_AGENT)
                .putHeader("webhook-id", messageId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", WebhookSigner.signatureHeader(keys, messageId, timestamp, body));
    }

    /** One request with a deadline over all of it: waiting for a connection, sending, the whole response. */
    private CompletableFuture<Response> exchange(RequestOptions options, byte[] body) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> current = new AtomicReference<>();
        long timer = vertx.setTimer(requestTimeout.toMillis(), id -> {
            if (result.completeExceptionally(new TotalTimeout())) {
                HttpClientRequest request = current.get();
                if (request != null) {
                    request.reset();
                }
            }
        });
        result.whenComplete((response, error) -> vertx.cancelTimer(timer));
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                result.completeExceptionally(opened.cause());
                return;
            }
            HttpClientRequest request = opened.result();
            current.set(request);
            if (result.isDone()) {
                // Timed out while waiting for a connection.
                request.reset();
                return;
            }
            request.exceptionHandler(result::completeExceptionally);
            request.send(Buffer.buffer(body)).onComplete(answered -> {
                if (answered.failed()) {
                    result.completeExceptionally(answered.cause());
                } else {
                    read(request, answered.result(), result);
                }
            });
        });
        return result;
    }

    /** Keeps the first bytes of the body; drains the rest so the connection can be reused, up to a limit. */
    private static void read(
            HttpClientRequest request, HttpClientResponse response, CompletableFuture<Response> result) {
        Buffer kept = Buffer.buffer(256);
        long[] seen = new long[1];
        int status = response.statusCode();
        Duration retryAfter = retryAfter(Optional.ofNullable(response.getHeader("retry-after")));
        response.exceptionHandler(result::completeExceptionally);
        response.handler(chunk -> {
            int take = Math.min(chunk.length(), KEPT_BODY_BYTES - kept.length());
            if (take > 0) {
                kept.appendBuffer(chunk, 0, take);
            }
            seen[0] += chunk.length();
            if (seen[0] > DRAINED_BODY_BYTES && result.complete(new Response(status, text(kept), retryAfter))) {
                request.reset();
            }
        });
        response.endHandler(end -> result.complete(new Response(status, text(kept), retryAfter)));
    }

    private static String text(Buffer kept) {
        return new String(kept.getBytes(), StandardCharsets.UTF_8);
    }

    private record Response(int status, String body, Duration retryAfter) {
        AttemptResult toResult(Instant startedAt, long millis) {
            Kind kind = status >= 200 && status < 300 ? Kind.SUCCESS : status == 410 ? Kind.GONE : Kind.RETRYABLE;
            String error = kind == Kind.SUCCESS ? null : "receiver answered HTTP " + status;
            return new AttemptResult(startedAt, millis, status, body, retryAfter, error, kind);
        }
    }

    private AttemptResult failure(Instant startedAt, long millis, Throwable error) {
        if (error instanceof RefusedUrl refused) {
            return new AttemptResult(
                    startedAt, millis, null, null, null, "URL refused: " + refused.getMessage(), Kind.REFUSED);
        }
        String message;
        if (error instanceof ConnectTimeoutException) {
            message = "connect timeout";
        } else if (error instanceof TotalTimeout) {
            message = "no complete response within " + requestTimeout.toMillis() + " ms";
        } else if (error instanceof ConnectException) {
            message = "connection refused or unreachable";
        } else if (error instanceof HttpClosedException) {
            message = "connection closed before a complete response";
        } else if (error instanceof IOException) {
            message = "I/O error: " + error.getClass().getSimpleName()
                    + (error.getMessage() == null ? "" : " " + error.getMessage());
        } else {
            message = "request failed: " + error.getClass().getSimpleName()
                    + (error.getMessage() == null ? "" : " " + error.getMessage());
        }
        return new AttemptResult(startedAt, millis, null, null, null, message, Kind.RETRYABLE);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean hasAddressLiteral(String url) {
        try {
            String host = URI.create(url).getHost();
            return host != null
                    && (host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Seconds or an HTTP date (RFC 9110); anything else is ignored. */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty() || header.get().isBlank()) {
            return null;
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    @PreDestroy
    void close() {
        preparation.shutdownNow();
        client.close();
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class RefusedUrl extends RuntimeException {
        RefusedUrl(String message) {
            super(message, null, false, false);
        }
    }

    private static final class TotalTimeout extends RuntimeException {
        TotalTimeout() {
            super(null, null, false, false);
        }
    }
}
