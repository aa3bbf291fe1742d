package dev.tenantry.dispatcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 for webhook tests: records every request per path and answers
 * as told (status codes in sequence, Retry-After, or hang until released).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as it arrived. Header names are lower case. */
    public record Received(String path, Map<String, String> headers, byte[] body, long receivedAtNanos) {
        public String header(String name) {
            return headers.get(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Answer(int status, String retryAfter, boolean hang, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, List<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxOpen = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
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
        scripts.put(path, List.of(new Answer(status, null, false, "ok")));
        return this;
    }

    /** Answer requests on {@code path} with these statuses in turn; the last one repeats. */
    public WebhookReceiver answerInTurn(String path, int... statuses) {
        List<Answer> answers = new ArrayList<>();
        for (int status : statuses) {
            answers.add(new Answer(status, null, false, "status " + status));
        }
        scripts.put(path, answers);
        return this;
    }

    public WebhookReceiver answerWithRetryAfter(String path, int status, String retryAfter) {
        scripts.put(path, List.of(new Answer(status, retryAfter, false, "slow down")));
        return this;
    }

    public WebhookReceiver answerWithBody(String path, int status, String body) {
        scripts.put(path, List.of(new Answer(status, null, false, body)));
        return this;
    }

    /** Requests on {@code path} never get an answer until {@link #releaseHanging()} or close. */
    public WebhookReceiver hang(String path) {
        scripts.put(path, List.of(new Answer(200, null, true, "late")));
        return this;
    }

    public void releaseHanging() {
        release.countDown();
    }

    public List<Received> requests(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public int count(String path) {
        AtomicInteger count = counters.get(path);
        return count == null ? 0 : count.get();
    }

    /** Requests on {@code path} waiting for an answer now. */
    public int openRequests(String path) {
        AtomicInteger count = open.get(path);
        return count == null ? 0 : count.get();
    }

    /** The most requests on {@code path} that were ever waiting for an answer at once. */
    public int maxOpenRequests(String path) {
        AtomicInteger count = maxOpen.get(path);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        int n = counters.computeIfAbsent(path, p -> new AtomicInteger()).getAndIncrement();
        if (record) {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            received.add(new Received(path, headers, body, at));
        }
        List<Answer> script = scripts.getOrDefault(path, List.of(new Answer(200, null, false, "ok")));
        Answer answer = script.get(Math.min(n, script.size() - 1));
        if (answer.hang()) {
            int now = open.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            maxOpen.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.get(path).decrementAndGet();
            }
        }
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
            // The dispatcher gave up on a hanging request: nothing to answer.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
