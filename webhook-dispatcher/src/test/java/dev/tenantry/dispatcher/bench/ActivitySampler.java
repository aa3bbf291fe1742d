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
    private volatile boolean running = true;
    private final Thread thread = new Thread(this::run, "activity-sampler");

    static ActivitySampler start() {
        ActivitySampler sampler = new ActivitySampler();
        sampler.thread.setDaemon(true);
        sampler.thread.start();
        return sampler;
    }

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
                .map(e -> "    " + e.getValue() + " " + e.getKey()).collect(Collectors.joining("\n", "  PostgreSQL activity samples:\n", ""));
    }
}
