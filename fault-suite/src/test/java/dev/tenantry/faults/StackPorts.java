package dev.tenantry.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports a local stack of its own listens on: Kafka (its controller on the next port),
 * PostgreSQL, the webhook receiver and the three services. All sockets are held open until every
 * port is picked, so no two parts are handed the same port (a port free when picked is not held
 * afterwards: another process may still take it before the stack does).
 */
public record StackPorts(int kafka, int postgres, int receiver, int provisioning, int worker, int dispatcher) {

    public static StackPorts pick() throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int kafka = consecutivePair(held);
            int[] others = new int[5];
            for (int i = 0; i < others.length; i++) {
                others[i] = hold(held, 0);
            }
            return new StackPorts(kafka, others[0], others[1], others[2], others[3], others[4]);
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    public List<String> upArguments() {
        return List.of(
                "--kafka-port",
                Integer.toString(kafka),
                "--postgres-port",
                Integer.toString(postgres),
                "--receiver-port",
                Integer.toString(receiver),
                "--provisioning-port",
                Integer.toString(provisioning),
                "--worker-port",
                Integer.toString(worker),
                "--dispatcher-port",
                Integer.toString(dispatcher));
    }

    private static int consecutivePair(List<ServerSocket> held) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            int port = first.getLocalPort();
            try {
                ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress());
                held.add(first);
                held.add(next);
                return port;
            } catch (IOException taken) {
                first.close();
            }
        }
        throw new IOException("no two consecutive free ports for Kafka and its controller");
    }

    private static int hold(List<ServerSocket> held, int port) throws IOException {
        ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        return socket.getLocalPort();
    }
}
