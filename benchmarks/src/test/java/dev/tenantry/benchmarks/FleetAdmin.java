package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The migration worker's operator API as the fleet scenarios use it: drift verification
 * ({@code GET /admin/drift}) and one fleet upgrade from {@code POST /admin/drift/fix} to finished.
 */
final class FleetAdmin {

    /** How long one fleet upgrade may take before the scenario gives up (10,000 tenants on two cores). */
    private static final Duration FLEET_PATIENCE = Duration.ofMinutes(20);

    /**
     * One finished fleet upgrade. {@code serverSeconds} is the worker's own startedAt → finishedAt;
     * {@code wallSeconds} runs from sending the POST (whose drift verify precedes startedAt) until a
     * poll saw it finished, so it is at most one poll interval late.
     */
    record FleetRun(String id, int total, int done, int failed, double serverSeconds, double wallSeconds) {

        double tenantsPerSecond() {
            return total / serverSeconds;
        }
    }

    private final BenchContext context;
    private final String workerUrl;

    FleetAdmin(BenchContext context) {
        this.context = context;
        this.workerUrl = context.system().workerUrl();
    }

    JsonNode drift() throws IOException, InterruptedException {
        return context.client().get(workerUrl + "/admin/drift");
    }

    /** The latest tenant migration the worker knows, which our releases number on from. */
    int latestVersion() throws IOException, InterruptedException {
        return Integer.parseInt(drift().get("latest").asText());
    }

    /**
     * Starts a fleet upgrade and waits for it to finish. {@code expectedTotal} guards the figure: a
     * different total means the upgrade was not the one this scenario meant to measure (e.g. one
     * already running, started by someone else).
     */
    FleetRun upgradeFleet(int expectedTotal) throws IOException, InterruptedException {
        long wallStart = System.nanoTime();
        JsonNode started = context.client().postOk(workerUrl + "/admin/drift/fix", null);
        String id = started.get("id").asText();
        if (started.get("total").asInt() != expectedTotal) {
            throw new IllegalStateException("the fleet upgrade " + id + " covers "
                    + started.get("total").asInt() + " tenants, expected " + expectedTotal + ": " + started);
        }
        long deadline = System.nanoTime() + FLEET_PATIENCE.toNanos();
        JsonNode progress = started;
        while (!"finished".equals(progress.get("state").asText())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "fleet upgrade " + id + " not finished after " + FLEET_PATIENCE + ": " + progress);
            }
            Thread.sleep(50);
            progress = context.client().get(workerUrl + "/admin/fleet-upgrade");
            if (!id.equals(progress.get("id").asText())) {
                throw new IllegalStateException("another fleet upgrade replaced " + id + ": " + progress);
            }
        }
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        FleetRun run = new FleetRun(
                id,
                progress.get("total").asInt(),
                progress.get("done").asInt(),
                progress.get("failed").asInt(),
                Duration.between(instant(progress.get("startedAt")), instant(progress.get("finishedAt")))
                                .toNanos()
                        / 1e9,
                wallSeconds);
        if (run.failed() > 0 || run.done() != run.total()) {
            throw new IllegalStateException("fleet upgrade " + id + " upgraded " + run.done() + " of " + run.total()
                    + ": " + progress.get("failures"));
        }
        return run;
    }

    /**
     * The mean time one tenant's migration took as the worker's run log records it (lock, history,
     * DDL, commit), without what follows it per tenant (run log row, result event) or any queueing.
     */
    double meanMigrationMillis(FleetRun run) throws SQLException {
        try (Connection c = context.system().dataSource().getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT avg(duration_ms) FROM migration_run WHERE request_id LIKE ? AND kind = 'upgrade'")) {
            select.setString(1, run.id() + ":%");
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getDouble(1);
            }
        }
    }

    /** Instants as the worker writes them: ISO-8601 text, or decimal epoch seconds if timestamps are numeric. */
    private static Instant instant(JsonNode node) {
        if (node.isNumber()) {
            double seconds = node.asDouble();
            long whole = (long) Math.floor(seconds);
            return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
        }
        return Instant.parse(node.asText());
    }
}
