package dev.tenantry.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * PostgreSQL's CPU time split by whom it worked for: each backend's CPU (from /proc) under the
 * application name its client gave (every service names its pool after itself; the relay's logical
 * decoding is the walsender), and what the postmaster collected from backends that have ended.
 * Tells the DDL a tenant needs (the worker's backends) apart from everything else the database does
 * for a signup.
 */
final class PostgresCpu {

    static final String ENDED = "ended connections";

    private PostgresCpu() {}

    /** CPU milliseconds so far, by label; their sum is PostgreSQL's total. */
    static Map<String, Long> byClient(DataSource database, long postmasterPid) throws Exception {
        Map<String, Long> cpu = new TreeMap<>();
        try (Connection connection = database.getConnection();
                Statement query = connection.createStatement();
                ResultSet rows =
                        query.executeQuery("SELECT pid, backend_type, application_name FROM pg_stat_activity")) {
            while (rows.next()) {
                cpu.merge(
                        label(rows.getString(2), rows.getString(3)),
                        ProcessMeter.cpuMillis(rows.getLong(1), false),
                        Long::sum);
            }
        }
        cpu.merge("postmaster", ProcessMeter.cpuMillis(postmasterPid, false), Long::sum);
        cpu.merge(ENDED, ProcessMeter.endedChildrenCpuMillis(postmasterPid), Long::sum);
        return cpu;
    }

    private static String label(String backendType, String applicationName) {
        if ("walsender".equals(backendType)) {
            return "walsender (the relay's logical decoding)";
        }
        if (!"client backend".equals(backendType)) {
            return "background processes";
        }
        return applicationName == null || applicationName.isBlank() || applicationName.startsWith("PostgreSQL JDBC")
                ? "other connections"
                : applicationName;
    }
}
