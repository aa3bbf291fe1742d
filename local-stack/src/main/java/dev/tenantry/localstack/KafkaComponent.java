package dev.tenantry.localstack;

import dev.tenantry.testinfra.EmbeddedKafkaServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The embedded Kafka broker as a supervised component, started through
 * {@link EmbeddedKafkaServer} like at the stack's start: its child JVM stops when its stdin
 * pipe closes, so it cannot be started on its own outside this JVM.
 */
final class KafkaComponent implements Component {

    private final EmbeddedKafkaServer server;

    KafkaComponent(EmbeddedKafkaServer server) {
        this.server = server;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public int port() {
        return server.port();
    }

    /** Returns once the broker serves clients (the server waits for its ready marker). */
    @Override
    public void start() throws IOException {
        server.start();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public boolean isAlive() {
        return server.isRunning();
    }

    @Override
    public Optional<Long> pid() {
        return server.pid();
    }

    @Override
    public OptionalInt exitStatus() {
        // The server keeps its process to itself.
        return OptionalInt.empty();
    }

    @Override
    public boolean isReady() {
        if (!server.isRunning()) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(EmbeddedKafkaServer.HOST, server.port()), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
