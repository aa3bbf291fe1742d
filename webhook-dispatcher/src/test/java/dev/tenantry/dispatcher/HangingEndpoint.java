package dev.tenantry.dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An endpoint that reads requests and never answers. It counts requests that are waiting right
 * now (a connection with an unanswered request that the client has not closed yet), so a test
 * can see how many requests the dispatcher keeps open against it at once.
 */
final class HangingEndpoint implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final AtomicLong firstRequestAtNanos = new AtomicLong();
    private final Thread acceptor;

    HangingEndpoint() throws IOException {
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "hanging-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    int received() {
        return received.get();
    }

    int mostOpenAtOnce() {
        return mostOpen.get();
    }

    /** {@link System#nanoTime()} when the first whole request head arrived; 0 before that. */
    long firstRequestAtNanos() {
        return firstRequestAtNanos.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread reader = new Thread(() -> hold(socket), "hanging-endpoint-connection");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Waits for a whole request head, counts it, then reads until the client gives up and closes. */
    private void hold(Socket socket) {
        try (socket;
                InputStream in = socket.getInputStream()) {
            int matched = 0;
            int b;
            while (matched < 4 && (b = in.read()) != -1) {
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            if (matched < 4) {
                return;
            }
            firstRequestAtNanos.compareAndSet(0, System.nanoTime());
            received.incrementAndGet();
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                while (in.read() != -1) {
                    // the body, then nothing until the client closes
                }
            } finally {
                open.decrementAndGet();
            }
        } catch (IOException gone) {
            // client reset the connection: the request is over
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
