package dev.tenantry.tenantctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tenantry.tenantctl.command.Cli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tenants create --wait} against a provisioning API stand-in whose tenant walks through
 * the failure path: the wait ends only at a final state, never at FAILED or COMPENSATING.
 */
class CreateWaitTests {

    private static final String ID = "0b7e1c2a-4d2f-4f0e-9a41-3f7d6a1b2c3d";

    private HttpServer server;
    private final List<String> statuses = new ArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/tenants", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aFailedCreateIsFollowedThroughCompensationToRolledBackAndExitsNonZero() {
        statuses.addAll(List.of("PROVISIONING", "FAILED", "COMPENSATING", "COMPENSATING", "ROLLED_BACK"));

        CliRun run = create();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(Cli.PROBLEMS);
        assertThat(run.err()).contains("-> COMPENSATING -> ROLLED_BACK");
        assertThat(run.out()).contains("ROLLED_BACK").contains("The create failed");
        assertThat(reads.get()).isEqualTo(statuses.size());
    }

    @Test
    void aCreateThatEndsActiveExitsZero() {
        statuses.addAll(List.of("PROVISIONING", "ACTIVE"));

        CliRun run = create();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(Cli.OK);
        assertThat(run.out()).contains("ACTIVE");
    }

    private CliRun create() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return CliRun.run(
                Map.of("TENANTRY_PROVISIONING_URL", url, "TENANTRY_TOKEN", "test-token"),
                "tenants",
                "create",
                "acme",
                "--wait",
                "--wait-timeout",
                Duration.ofMinutes(2).toString());
    }

    private void answer(HttpExchange exchange) throws IOException {
        boolean accepted = "POST".equals(exchange.getRequestMethod());
        // Each read returns the next status; the last one is repeated once the script has run out.
        String status =
                accepted ? "PROVISIONING" : statuses.get(Math.min(reads.getAndIncrement(), statuses.size() - 1));
        int code = accepted ? 202 : 200;
        byte[] body = ("{\"id\":\"" + ID + "\",\"slug\":\"acme\",\"status\":\"" + status
                        + "\",\"schema\":\"tenant_acme\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
