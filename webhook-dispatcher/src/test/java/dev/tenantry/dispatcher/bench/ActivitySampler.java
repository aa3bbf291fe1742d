package dev.tenantry.dispatcher.bench;

import dev.tenantry.dispatcher.DispatcherTestSupport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Diagnostics (-Dbench.diag=true): what PostgreSQL's active sessions are doing, sampled every 10 ms. */
final class ActivitySampler {

    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final StringBuilder plan = new StringBuilder();
    private volatile long oldestXmin;
    private volatile boolean running = true;
    private final Thread thread = new Thread(this::run, "activity-sampler");

    static ActivitySampler start() {
        ActivitySampler sampler = new ActivitySampler();
        sampler.thread.setDaemon(true);
        sampler.thread.start();
        return sampler;
    }

    private int samples;

    private void run() {
        try (Connection c = DispatcherTestSupport.infra().dataSource().getConnection(); Statement s = c.createStatement()) {
            while (running) {
                try (ResultSet rows = s.executeQuery("""
                        SELECT coalesce(wait_event_type, 'CPU') || '/' || coalesce(wait_event, '-') || ' '
                               || regexp_replace(left(query, 60), '\\s+', ' ', 'g')
                          FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()""")) {
                    while (rows.next()) {
                        seen.merge(rows.getString(1), 1, Integer::sum);
                    }
                }
                try (ResultSet rows = s.executeQuery("SELECT coalesce(max(age(backend_xmin)), 0) FROM pg_stat_activity "
                        + "WHERE pid <> pg_backend_pid() AND datname = current_database()")) {
                    rows.next();
                    oldestXmin = Math.max(oldestXmin, rows.getLong(1));
                }
                if (++samples == 200) {
                    // The claim's scan of the due index (with the claim's planner settings), in the middle of the run.
                    s.execute("BEGIN");
                    s.execute("SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)");
                    try (ResultSet rows = s.executeQuery("""
                            EXPLAIN (ANALYZE, BUFFERS) SELECT d.id, d.endpoint_id, d.next_attempt_at
                              FROM webhook_delivery d
                             WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                               AND (d.lease_until IS NULL OR d.lease_until <= now())
                             ORDER BY d.next_attempt_at LIMIT 256""")) {
                        while (rows.next()) {
                            plan.append("    ").append(rows.getString(1)).append('\n');
                        }
                    }
                    s.execute("COMMIT");
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            seen.put("sampler failed: " + e.getMessage(), 1);
        }
    }

    String stop() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return seen.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                .map(e -> "    " + e.getValue() + " " + e.getKey()).collect(Collectors.joining("\n", "  PostgreSQL activity samples:\n", ""))
                + "\n  largest age of a session's xmin: " + oldestXmin + "\n  due-index scan after 200 samples:\n" + plan;
    }
}
