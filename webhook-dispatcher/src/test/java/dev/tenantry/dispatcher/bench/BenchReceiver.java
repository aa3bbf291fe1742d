package dev.tenantry.dispatcher.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback receiver that answers 200 at once and remembers when each webhook-id first arrived. */
final class BenchReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "bench-receiver");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    BenchReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 2048);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
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

    private void handle(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        if (id != null) {
            arrivals.putIfAbsent(id, at);
        }
        total.incrementAndGet();
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
