package dev.tenantry.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The webhook scenario's receiver: a Vert.x server on loopback in the benchmark JVM that answers
 * 200 at once, counts requests per path and remembers when each {@code webhook-id} first arrived.
 * One event loop of its own, so that receiving costs about what a real receiver costs and the
 * figures show the sending side.
 */
final class LoopbackReceiver implements AutoCloseable {

    private final Vertx vertx =
            Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpServer server;
    private final Map<String, AtomicInteger> requestsByPath = new ConcurrentHashMap<>();
    private final Map<String, Long> firstArrivals = new ConcurrentHashMap<>();

    LoopbackReceiver() throws Exception {
        server = vertx.createHttpServer(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0).setAcceptBacklog(2048))
                .requestHandler(this::receive)
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** Requests whose body arrived in full on this path, answered or about to be. */
    int received(String path) {
        AtomicInteger count = requestsByPath.get(path);
        return count == null ? 0 : count.get();
    }

    /** {@link System#nanoTime()} when a request with this webhook-id first arrived, or null. */
    Long firstArrival(String webhookId) {
        return firstArrivals.get(webhookId);
    }

    private void receive(HttpServerRequest request) {
        // Taken before the body is read: the moment the request reached the receiver.
        long at = System.nanoTime();
        String webhookId = request.getHeader("webhook-id");
        if (webhookId != null) {
            firstArrivals.putIfAbsent(webhookId, at);
        }
        String path = request.path();
        request.end().onComplete(read -> {
            requestsByPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            request.response().setStatusCode(200).end();
        });
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
