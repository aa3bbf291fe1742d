package dev.tenantry.dispatcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 for webhook tests: records every request per path and answers
 * as told (status codes in sequence, Retry-After, a body). {@link HangingEndpoint} never answers.
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * A request as it arrived. Header names are lower case. {@code receivedAtNanos} is for
     * comparisons inside the test JVM, {@code receivedAt} (wall clock) for times the database wrote.
     */
    public record Received(
            String path, Map<String, String> headers, byte[] body, long receivedAtNanos, Instant receivedAt) {
        public String header(String name) {
            return headers.get(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Answer(int status, String retryAfter, String body) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, List<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final boolean record;

    public WebhookReceiver() {
        this(true);
    }

    /** @param record false keeps nothing but counts (benchmarks) */
    public WebhookReceiver(boolean record) {
        this.record = record;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answer every request on {@code path} with {@code status}. */
    public WebhookReceiver answer(String path, int status) {
        scripts.put(path, List.of(new Answer(status, null, "ok")));
        return this;
    }

    /** Answer requests on {@code path} with these statuses in turn; the last one repeats. */
    public WebhookReceiver answerInTurn(String path, int... statuses) {
        List<Answer> answers = new ArrayList<>();
        for (int status : statuses) {
            answers.add(new Answer(status, null, "status " + status));
        }
        scripts.put(path, answers);
        return this;
    }

    public WebhookReceiver answerWithRetryAfter(String path, int status, String retryAfter) {
        scripts.put(path, List.of(new Answer(status, retryAfter, "slow down")));
        return this;
    }

    public WebhookReceiver answerWithBody(String path, int status, String body) {
        scripts.put(path, List.of(new Answer(status, null, body)));
        return this;
    }

    public List<Received> requests(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public int count(String path) {
        AtomicInteger count = counters.get(path);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        Instant wallClock = Instant.now();
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        int n = counters.computeIfAbsent(path, p -> new AtomicInteger()).getAndIncrement();
        if (record) {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            received.add(new Received(path, headers, body, at, wallClock));
        }
        List<Answer> script = scripts.getOrDefault(path, List.of(new Answer(200, null, "ok")));
        Answer answer = script.get(Math.min(n, script.size() - 1));
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        byte[] reply = answer.body().getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(answer.status(), reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        } catch (IOException clientGone) {
            // The dispatcher gave up waiting: nothing to answer.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
