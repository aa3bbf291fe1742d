package dev.tenantry.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The running stack's control channel for {@code ./tenantry status|stop|restart}: HTTP on the
 * loopback interface, each request carrying the token the stack wrote to a file only its owner
 * can read (any local user can reach a loopback port).
 *
 * <pre>
 * GET  /components                      every component's status
 * POST /components/{name}/stop          stop it and keep it down
 * POST /components/{name}/restart       (stop and) start it again
 * </pre>
 */
final class ControlServer implements AutoCloseable {

    /** A broker start waits up to 90 s for the broker; answer after it, not before. */
    private static final long OPERATION_TIMEOUT_SECONDS = 150;

    private final HttpServer server;
    private final ExecutorService threads;
    private final Supervisor supervisor;
    private final byte[] token;
    private final ObjectMapper json;

    private ControlServer(
            HttpServer server, ExecutorService threads, Supervisor supervisor, String token, ObjectMapper json) {
        this.server = server;
        this.threads = threads;
        this.supervisor = supervisor;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.json = json;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port). */
    static ControlServer start(int port, Supervisor supervisor, String token, ObjectMapper json) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        // Two threads: a status request answers while a restart waits for the broker.
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tenantry-control");
            t.setDaemon(true);
            return t;
        });
        ControlServer control = new ControlServer(server, threads, supervisor, token, json);
        server.createContext("/components", control::handle);
        server.setExecutor(threads);
        server.start();
        return control;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                answer(exchange, 401, Map.of("error", "missing or wrong control token"));
                return;
            }
            String[] parts =
                    exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
            String method = exchange.getRequestMethod();
            if (parts.length == 2 && method.equals("GET")) {
                answer(exchange, 200, Map.of("components", supervisor.status()));
            } else if (parts.length == 4
                    && method.equals("POST")
                    && (parts[3].equals("stop") || parts[3].equals("restart"))) {
                operate(exchange, parts[2], parts[3]);
            } else {
                answer(
                        exchange,
                        404,
                        Map.of(
                                "error",
                                method + " " + exchange.getRequestURI().getPath() + " is not a control operation"));
            }
        }
    }

    private void operate(HttpExchange exchange, String name, String operation) throws IOException {
        if (!supervisor.knows(name)) {
            answer(
                    exchange,
                    404,
                    Map.of("error", "no component " + name + "; known: " + String.join(", ", supervisor.names())));
            return;
        }
        Future<ComponentStatus> done = operation.equals("stop") ? supervisor.stop(name) : supervisor.restart(name);
        try {
            answer(exchange, 200, done.get(OPERATION_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            answer(exchange, 500, Map.of("error", operation + " " + name + " failed: " + e.getCause()));
        } catch (TimeoutException e) {
            answer(
                    exchange,
                    504,
                    Map.of(
                            "error",
                            operation + " " + name + " still running after " + OPERATION_TIMEOUT_SECONDS
                                    + " s; see ./tenantry status"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer(exchange, 503, Map.of("error", "the stack is stopping"));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        // Constant-time: the answer's timing tells nothing about the token.
        return MessageDigest.isEqual(
                token, header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.US_ASCII));
    }

    private void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
