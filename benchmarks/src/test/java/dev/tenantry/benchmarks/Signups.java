package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/** New tenants asked for as a client does: POST /tenants, then wait for TenantActivated. */
final class Signups {

    static final Duration ACTIVATION_PATIENCE = Duration.ofMinutes(10);

    private final BenchContext context;
    private final ActivationWatch watch;

    Signups(BenchContext context, ActivationWatch watch) {
        this.context = context;
        this.watch = watch;
    }

    /** Sends one signup; returns the tenant id from the 202. A 503 (dependency away) is asked again. */
    String request(String slug) throws Exception {
        String url = context.system().provisioningUrl() + "/tenants";
        Map<String, String> body = Map.of("slug", slug, "displayName", "Benchmark " + slug);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = context.client().post(url, body);
            if (response.statusCode() == 202) {
                JsonNode answer = ServiceClient.JSON.readTree(response.body());
                return answer.get("id").asText();
            }
            if (response.statusCode() != 503 || attempt == 20) {
                throw new IllegalStateException("POST /tenants answered " + response.statusCode() + ": "
                        + response.body());
            }
            Thread.sleep(500);
        }
    }

    /** One signup, waited for: nanoseconds from before the POST to TenantActivated seen. */
    long signUpAndWait(String slug) throws Exception {
        long start = System.nanoTime();
        String id = request(slug);
        return watch.awaitActivated(id, ACTIVATION_PATIENCE) - start;
    }

    long awaitActivated(String tenantId) throws Exception {
        return watch.awaitActivated(tenantId, ACTIVATION_PATIENCE);
    }

    /**
     * Waits until the worker's spare pool stops growing (the same count three seconds apart), the
     * state a signup meets on a running system that had a quiet moment; returns its size.
     */
    static int awaitSparePoolSettled(DataSource database) throws Exception {
        int previous = -1;
        for (int i = 0; i < 120; i++) {
            int now;
            try (Connection c = database.getConnection(); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT count(*) FROM tenant_spare_schema")) {
                rows.next();
                now = rows.getInt(1);
            }
            if (now == previous) {
                return now;
            }
            previous = now;
            Thread.sleep(3_000);
        }
        return previous;
    }
}
