package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RawHttpTests {

    @Test
    void aChunkedAnswerWithCharactersOfSeveralBytesIsReadWhole() throws Exception {
        String first = "{\"name\":\"Zoë … ";
        String second = "Ünïcødé 😀\"}";
        byte[] a = first.getBytes(StandardCharsets.UTF_8);
        byte[] b = second.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> answered = CompletableFuture.runAsync(
                    () -> {
                        try (Socket socket = server.accept()) {
                            InputStream in = socket.getInputStream();
                            byte[] request = new byte[4096];
                            in.read(request);
                            OutputStream out = socket.getOutputStream();
                            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                            for (byte[] chunk : new byte[][] {a, b}) {
                                out.write((Integer.toHexString(chunk.length) + "\r\n")
                                        .getBytes(StandardCharsets.ISO_8859_1));
                                out.write(chunk);
                                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            }
                            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    runnable -> new Thread(runnable, "chunked-answer").start());

            RawHttp.Answer answer = RawHttp.send(server.getLocalPort(), "GET", "/", Map.of(), null);

            answered.get();
            assertEquals(200, answer.status());
            assertEquals(first + second, answer.body());
        }
    }
}
