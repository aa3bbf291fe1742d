package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.AttemptResult.Kind;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Sends one signed webhook request and says what came of it; never throws. The URL goes through
 * the SSRF guard again right before the request (its DNS answer may have changed since
 * registration). Redirects are not followed: a 3xx is a failed attempt.
 */
@ApplicationScoped
public class WebhookSender {

    public static final String CONTENT_TYPE = "application/cloudevents+json";
    static final String USER_AGENT = "Tenantry-Webhooks/1.0";
    static final int KEPT_BODY_BYTES = 4096;

    private final SsrfGuard guard;
    private final Duration requestTimeout;
    private final HttpClient client;
    private final ExecutorService preparation;
    private final ScheduledExecutorService deadlines;

    public WebhookSender(SsrfGuard guard, DispatcherConfig config) {
        this.guard = guard;
        this.requestTimeout = config.delivery().requestTimeout();
        // DNS lookups of the guard may block: never on the engine's claim thread.
        this.preparation = Executors.newCachedThreadPool(daemon("webhook-prepare"));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("webhook-deadline"));
        // Most requests finish long before their deadline: drop those timers at once.
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.delivery().connectTimeout())
                .build();
    }

    /**
     * @param messageId the {@code webhook-id}: the same for every attempt of a delivery
     * @param keys      signing keys, current first; one signature each
     */
    public CompletableFuture<AttemptResult> send(String url, String messageId, byte[] body, List<byte[]> keys) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        CompletableFuture<HttpRequest> request;
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
        return request.thenCompose(this::exchange)
                .handle((response, error) -> {
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    if (error != null) {
                        return failure(startedAt, millis, unwrap(error));
                    }
                    return response.toResult(startedAt, millis);
                });
    }

    private HttpRequest prepare(String url, String messageId, byte[] body, List<byte[]> keys) {
        URI uri;
        try {
            uri = guard.check(url);
        } catch (SsrfGuard.UrlRefusedException e) {
            throw new CompletionException(new RefusedUrl(e.getMessage()));
        }
        long timestamp = Instant.now().getEpochSecond();
        return HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("content-type", CONTENT_TYPE)
                .header("user-agent", USER_AGENT)
                .header("webhook-id", messageId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSigner.signatureHeader(keys, messageId, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private CompletableFuture<Response> exchange(HttpRequest request) {
        CompletableFuture<HttpResponse<byte[]>> exchange =
                client.sendAsync(request, info -> new KeptBody(KEPT_BODY_BYTES));
        // HttpRequest.timeout covers the wait for response headers; this bounds a body that stalls too.
        ScheduledFuture<?> deadline = deadlines.schedule(() -> exchange.cancel(true),
                requestTimeout.toMillis() + 50, TimeUnit.MILLISECONDS);
        exchange.whenComplete((response, error) -> deadline.cancel(false));
        return exchange.thenApply(response -> new Response(response.statusCode(),
                new String(response.body(), StandardCharsets.UTF_8),
                retryAfter(response.headers().firstValue("retry-after"))));
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
            return new AttemptResult(startedAt, millis, null, null, null, "URL refused: " + refused.getMessage(),
                    Kind.REFUSED);
        }
        String message;
        if (error instanceof HttpConnectTimeoutException) {
            message = "connect timeout";
        } else if (error instanceof HttpTimeoutException || error instanceof CancellationException) {
            message = "no complete response within " + requestTimeout.toMillis() + " ms";
        } else if (error instanceof ConnectException) {
            message = "connection refused or unreachable";
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
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean hasAddressLiteral(String url) {
        try {
            String host = URI.create(url).getHost();
            return host != null && (host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
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
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
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
        deadlines.shutdownNow();
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

    /** Keeps the first {@code limit} bytes and reads (discards) the rest so the connection can be reused. */
    private static final class KeptBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final byte[] kept;
        private int size;

        KeptBody(int limit) {
            this.kept = new byte[limit];
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), kept.length - size);
                buffer.get(kept, size, take);
                size += take;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(Arrays.copyOf(kept, size));
        }
    }
}
