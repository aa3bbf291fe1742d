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
    /** Refilling 128 spares takes seconds on an idle machine; after the scale scenario, longer. */
    private static final Duration SPARE_POOL_PATIENCE = Duration.ofMinutes(5);

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
                throw new IllegalStateException(
                        "POST /tenants answered " + response.statusCode() + ": " + response.body());
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
     * Waits until the worker has refilled its spare pool to the size the benchmark stack gives it,
     * the state a signup meets on a running system that had a quiet moment, and nothing is built
     * behind the next measurement's back; returns the pool's size.
     */
    static int awaitSparePoolFull(DataSource database) throws Exception {
        int full = Integer.parseInt(BenchmarkRun.SPARE_POOL);
        long deadline = System.nanoTime() + SPARE_POOL_PATIENCE.toNanos();
        while (true) {
            int spares;
            try (Connection c = database.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT count(*) FROM tenant_spare_schema")) {
                rows.next();
                spares = rows.getInt(1);
            }
            if (spares >= full) {
                return spares;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the spare pool holds " + spares + " of " + full + " after " + SPARE_POOL_PATIENCE);
            }
            Thread.sleep(500);
        }
    }
}
