package dev.tenantry.faults;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits until the system has settled after its faults, on what the database says: every tenant in
 * a final state, the outbox relayed, no webhook delivery pending or in flight. Then until the
 * checker itself no longer reports what a system still catching up shows (an event not yet on a
 * topic, a delivery not yet queued): those must go away on their own, and a check taken earlier
 * would blame the system for being slow rather than wrong.
 */
final class Settling {

    private static final Set<InvariantRule> CATCHING_UP = Set.of(
            InvariantRule.TENANT_NOT_SETTLED,
            InvariantRule.OUTBOX_NOT_RELAYED,
            InvariantRule.EMITTED_EVENT_MISSING,
            InvariantRule.WEBHOOK_NOT_QUEUED,
            InvariantRule.WEBHOOK_NOT_SETTLED);

    private final DataSource database;

    Settling(DataSource database) {
        this.database = database;
    }

    void awaitTenantsFinal(Duration patience) {
        await("every tenant in a final status")
                .atMost(patience)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> count("SELECT count(*) FROM tenant "
                                + "WHERE status NOT IN ('ACTIVE', 'ROLLED_BACK', 'DELETED', 'UPGRADE_FAILED')")
                        == 0);
    }

    void awaitOutboxAndWebhooksSettled(Duration patience) {
        await("outbox empty")
                .atMost(patience)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> count("SELECT count(*) FROM provisioning_outbox") == 0);
        await("no webhook delivery pending or in flight")
                .atMost(patience)
                .pollInterval(Duration.ofSeconds(2))
                .until(() ->
                        count("SELECT count(*) FROM webhook_delivery WHERE status IN ('pending', 'delivering')") == 0);
    }

    /**
     * Polls the check until nothing it reports is a sign of catching up. On time out it returns
     * quietly: the scenario's own final check then reports what is still wrong, in full.
     */
    void awaitCaughtUp(Callable<InvariantReport> check, Duration patience) {
        try {
            await("checker reports nothing still catching up")
                    .atMost(patience)
                    .pollInterval(Duration.ofSeconds(5))
                    .until(check, report -> {
                        boolean caughtUp = report.violations().stream().noneMatch(v -> CATCHING_UP.contains(v.rule()));
                        if (!caughtUp) {
                            // What it waits for, so that a run that times out here says why.
                            System.out.println("[fault-suite] still catching up: " + report.countsByRule());
                        }
                        return caughtUp;
                    });
        } catch (ConditionTimeoutException stillCatchingUp) {
            System.out.println("[fault-suite] not caught up after " + patience + ": " + stillCatchingUp.getMessage());
        }
    }

    Map<String, Long> tenantsByStatus() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = database.getConnection();
                Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT status, count(*) FROM tenant GROUP BY status")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.getConnection();
                Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
