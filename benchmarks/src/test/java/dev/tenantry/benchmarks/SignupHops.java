package dev.tenantry.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Where a signup's time went, hop by hop, from the system's own timestamps: the registry's
 * {@code created_at}, the worker's run log and the saga's timeline. All clocks are PostgreSQL's
 * or the same machine's, so the hops add up.
 */
final class SignupHops {

    private static final String SQL = """
            SELECT extract(epoch FROM r.started_at - t.created_at) * 1e3,
                   extract(epoch FROM r.finished_at - r.started_at) * 1e3,
                   extract(epoch FROM m.occurred_at - r.finished_at) * 1e3,
                   extract(epoch FROM a.occurred_at - m.occurred_at) * 1e3
            FROM tenant t
            JOIN tenant_timeline a ON a.tenant_id = t.id AND a.to_status = 'ACTIVE'
            JOIN tenant_timeline m ON m.tenant_id = t.id AND m.kind = 'migration-result'
            JOIN migration_run r ON r.tenant_id = t.id::text AND r.kind = 'new'
            WHERE t.id = ANY (?::uuid[])
            """;
    static final List<String> HOPS = List.of(
            "request recorded → worker starts (relay, Kafka, queue)",
            "worker: the tenant's schema",
            "worker done → result recorded (Kafka, saga)",
            "result recorded → ACTIVE");

    private SignupHops() {}

    /** Median of each hop in ms, by hop name. */
    static Map<String, Double> medians(DataSource database, List<String> tenantIds) throws Exception {
        List<List<Double>> columns =
                List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (Connection c = database.getConnection();
                PreparedStatement select = c.prepareStatement(SQL)) {
            select.setArray(1, c.createArrayOf("text", tenantIds.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    for (int i = 0; i < 4; i++) {
                        columns.get(i).add(rows.getDouble(i + 1));
                    }
                }
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        for (int i = 0; i < HOPS.size(); i++) {
            List<Double> sorted = new ArrayList<>(columns.get(i));
            if (sorted.isEmpty()) {
                throw new IllegalStateException("no run log or timeline for the burst's tenants");
            }
            sorted.sort(Double::compare);
            medians.put(HOPS.get(i), sorted.get(sorted.size() / 2));
        }
        return medians;
    }
}
