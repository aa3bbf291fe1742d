package dev.tenantry.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The webhook scenario's floors: the same bodies posted to the same receiver by a bare client, with
 * no queue, no database, no signing. {@code java.net.http} is what a service without Vert.x would
 * use; the Vert.x client is what the dispatcher sends with.
 */
final class RawWebhookPosts {

    private static final String CONTENT_TYPE = "application/cloudevents+json";

    private RawWebhookPosts() {}

    /** Posts {@code count} bodies (cycling through them), at most {@code inFlight} at once; seconds taken. */
    static double javaNetHttp(String url, List<String> bodies, int count, int inFlight) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        URI uri = URI.create(url);
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<?>> sent = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(15))
                    .header("content-type", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()), StandardCharsets.UTF_8))
                    .build();
            sent.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> slots.release()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        return (System.nanoTime() - start) / 1e9;
    }

    /** As {@link #javaNetHttp}, with a Vert.x client on one event loop of its own and a pool of {@code inFlight}. */
    static double vertx(String url, List<String> bodies, int count, int inFlight) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            URI uri = URI.create(url);
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(
                    new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(inFlight));
            Semaphore slots = new Semaphore(inFlight);
            List<CompletableFuture<?>> sent = new ArrayList<>(count);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                slots.acquire();
                Buffer body = Buffer.buffer(bodies.get(i % bodies.size()));
                RequestOptions options = new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setHost(uri.getHost())
                        .setPort(uri.getPort())
                        .setURI(uri.getPath())
                        .putHeader("content-type", CONTENT_TYPE);
                sent.add(client.request(options)
                        .compose(request -> request.send(body))
                        .compose(response -> response.end())
                        .onComplete(done -> slots.release())
                        .toCompletionStage()
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Posts each body once at {@code perSecond}, with a webhook-id of {@code idPrefix + index};
     * returns when each was sent ({@link System#nanoTime()}), by index, once every answer is in.
     */
    static long[] javaNetHttpAtRate(String url, List<String> bodies, int perSecond, String idPrefix) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(url);
        long interval = 1_000_000_000L / perSecond;
        long[] sentAt = new long[bodies.size()];
        List<CompletableFuture<?>> sent = new ArrayList<>(bodies.size());
        long start = System.nanoTime();
        for (int i = 0; i < bodies.size(); i++) {
            pauseUntil(start + i * interval);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("content-type", CONTENT_TYPE)
                    .header("webhook-id", idPrefix + i)
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i), StandardCharsets.UTF_8))
                    .build();
            sentAt[i] = System.nanoTime();
            sent.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        return sentAt;
    }

    /** Sleeps rather than spins: a spinning sender would take one of the machine's two cores. */
    static void pauseUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
