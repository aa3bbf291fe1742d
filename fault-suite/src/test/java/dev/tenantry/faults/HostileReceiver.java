package dev.tenantry.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver on loopback that misbehaves in one way, on plain sockets so that it can do
 * what no well-behaved HTTP server would: hold a request forever, answer a byte at a time, send a
 * body of a gigabyte. It reads each request whole, then behaves; every connection is recorded
 * (when it was accepted, when the client let go of it, how many bytes were written to it), so a
 * scenario can judge the dispatcher from the receiving side as well as from its own records.
 */
final class HostileReceiver implements AutoCloseable {

    /** What the receiver does once it has read a request. */
    enum Behaviour {
        /** Never answers; holds the connection until the client closes it. */
        SILENT,
        /** Answers 200 with a long Content-Length, then one byte every {@link #TRICKLE_PAUSE}, forever. */
        TRICKLE,
        /** Answers 200 with a body of {@link #HUGE_BODY_BYTES} (binary, NUL bytes included) sent as fast as it goes. */
        HUGE_BODY,
        /** Answers 302 to {@link HostileReceiver#location}. */
        REDIRECT_302,
        /** Answers 307 to {@link HostileReceiver#location}. */
        REDIRECT_307,
        /** Answers 500, every time. */
        SERVER_ERROR,
        /** Answers 410 Gone. */
        GONE,
        /** Answers 204; a redirect's target that no request may ever reach. */
        CANARY
    }

    /**
     * One accepted connection.
     *
     * @param requests     requests read whole on it
     * @param endedAt      when the client closed it (or the receiver did, after answering); null while open
     * @param bytesWritten response bytes written to it, headers included
     */
    record Connection(Instant acceptedAt, Instant endedAt, int requests, long bytesWritten) {

        Duration lifetime() {
            return Duration.between(acceptedAt, endedAt == null ? Instant.now() : endedAt);
        }
    }

    static final Duration TRICKLE_PAUSE = Duration.ofSeconds(3);
    static final long HUGE_BODY_BYTES = 1L << 30;
    private static final int MAX_REQUEST_HEAD = 64 * 1024;
    private static final int MAX_REQUEST_BODY = 1 << 20;

    private final String name;
    private final Behaviour behaviour;
    private final String location;
    private final ServerSocket server;
    private final List<Tracked> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    private HostileReceiver(String name, Behaviour behaviour, String location, ServerSocket server) {
        this.name = name;
        this.behaviour = behaviour;
        this.location = location;
        this.server = server;
    }

    static HostileReceiver start(String name, Behaviour behaviour) throws IOException {
        return start(name, behaviour, null);
    }

    /** @param location where a redirect points; ignored by the other behaviours */
    static HostileReceiver start(String name, Behaviour behaviour, String location) throws IOException {
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        HostileReceiver receiver = new HostileReceiver(name, behaviour, location, server);
        daemon("hostile-" + name + "-accept", receiver::acceptLoop).start();
        return receiver;
    }

    String name() {
        return name;
    }

    Behaviour behaviour() {
        return behaviour;
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hooks/" + name;
    }

    /** Requests read whole, over all connections. */
    int requests() {
        return requests.get();
    }

    List<Connection> connections() {
        return connections.stream().map(Tracked::snapshot).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            Tracked tracked = new Tracked(Instant.now(), socket);
            connections.add(tracked);
            daemon("hostile-" + name + "-connection", () -> serve(socket, tracked))
                    .start();
        }
    }

    private void serve(Socket socket, Tracked tracked) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (!readRequest(in)) {
                return;
            }
            tracked.requests.incrementAndGet();
            requests.incrementAndGet();
            switch (behaviour) {
                case SILENT -> awaitClientClose(socket, in, Duration.ZERO);
                case TRICKLE -> trickle(socket, in, out, tracked);
                case HUGE_BODY -> hugeBody(out, tracked);
                case REDIRECT_302 -> answer(out, tracked, "302 Found", "Location: " + location + "\r\n");
                case REDIRECT_307 -> answer(out, tracked, "307 Temporary Redirect", "Location: " + location + "\r\n");
                case SERVER_ERROR -> answer(out, tracked, "500 Internal Server Error", "");
                case GONE -> answer(out, tracked, "410 Gone", "");
                case CANARY -> answer(out, tracked, "204 No Content", "");
            }
        } catch (IOException clientWentAway) {
            // The client closed or reset the connection: what the receiver waits for.
        } finally {
            tracked.end();
        }
    }

    /** Reads one request head and its Content-Length body; false when the client closed first. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == end[0] ? 1 : 0;
            if (head.size() > MAX_REQUEST_HEAD) {
                throw new IOException("request head too long");
            }
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        if (length > MAX_REQUEST_BODY) {
            throw new IOException("request body too long: " + length);
        }
        return in.readNBytes((int) length).length == length;
    }

    /** Blocks until the client closes (read gives -1 or fails); with a pause, returns when it elapses first. */
    private static boolean awaitClientClose(Socket socket, InputStream in, Duration pause) throws IOException {
        socket.setSoTimeout((int) pause.toMillis());
        try {
            while (in.read() >= 0) {
                // A client that sends more than one request here is not waited on for them.
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    private static void trickle(Socket socket, InputStream in, OutputStream out, Tracked tracked) throws IOException {
        write(
                out,
                tracked,
                ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        // Between bytes, watch for the client closing, so that the end of the connection is seen when it happens.
        while (!awaitClientClose(socket, in, TRICKLE_PAUSE)) {
            write(out, tracked, new byte[] {'.'});
        }
    }

    private static void hugeBody(OutputStream out, Tracked tracked) throws IOException {
        write(
                out,
                tracked,
                ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + HUGE_BODY_BYTES
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        for (long sent = 0; sent < HUGE_BODY_BYTES; sent += chunk.length) {
            write(out, tracked, chunk);
        }
    }

    private static void answer(OutputStream out, Tracked tracked, String status, String headers) throws IOException {
        byte[] body = ("hostile receiver: " + status + "\n").getBytes(StandardCharsets.US_ASCII);
        write(
                out,
                tracked,
                ("HTTP/1.1 " + status + "\r\n" + headers + "Content-Type: text/plain\r\nContent-Length: "
                                + (status.startsWith("204") ? 0 : body.length) + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        if (!status.startsWith("204")) {
            write(out, tracked, body);
        }
    }

    private static void write(OutputStream out, Tracked tracked, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        tracked.written.addAndGet(bytes.length);
    }

    /** Stops accepting and closes every connection still open. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Tracked tracked : connections) {
            tracked.socket.close();
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static final class Tracked {
        final Instant acceptedAt;
        final Socket socket;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicLong written = new AtomicLong();
        volatile Instant endedAt;

        Tracked(Instant acceptedAt, Socket socket) {
            this.acceptedAt = acceptedAt;
            this.socket = socket;
        }

        void end() {
            if (endedAt == null) {
                endedAt = Instant.now();
            }
        }

        Connection snapshot() {
            return new Connection(acceptedAt, endedAt, requests.get(), written.get());
        }
    }
}
