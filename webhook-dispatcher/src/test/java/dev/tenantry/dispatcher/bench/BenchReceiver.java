package dev.tenantry.dispatcher.bench;

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
 * A loopback receiver that answers 200 at once and remembers when each webhook-id first arrived.
 * A Vert.x (Netty) server on its own event loop: the receiver should cost as little CPU as a real
 * one would, so the figures show what the sending side costs.
 */
final class BenchReceiver implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpServer server;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    BenchReceiver() throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setAcceptBacklog(2048))
                .requestHandler(this::handle)
                .listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    int total() {
        return total.get();
    }

    long arrivalOf(String webhookId) {
        Long at = arrivals.get(webhookId);
        if (at == null) {
            throw new IllegalStateException("never received " + webhookId);
        }
        return at;
    }

    private void handle(HttpServerRequest request) {
        long at = System.nanoTime();
        String id = request.getHeader("webhook-id");
        if (id != null) {
            arrivals.putIfAbsent(id, at);
        }
        request.end().onComplete(read -> {
            total.incrementAndGet();
            request.response().setStatusCode(200).end();
        });
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
