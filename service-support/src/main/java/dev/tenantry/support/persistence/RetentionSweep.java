package dev.tenantry.support.persistence;

import dev.tenantry.support.scheduling.BackgroundTasks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The one retention sweeper of a service: once per interval, every rule deletes its table's rows
 * past retention in batches of {@code batchSize}, each batch its own short statement (auto-commit),
 * so a sweep never holds locks or a snapshot for long and a large backlog is worked off a batch at a
 * time. Rows pruned are counted in {@code tenantry.retention.pruned} (tag {@code table}).
 */
public final class RetentionSweep implements AutoCloseable {

    static final String METRIC = "tenantry.retention.pruned";
    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

    private final String name;
    private final DataSource dataSource;
    private final List<RetentionRule> rules;
    private final int batchSize;
    private final Map<String, Counter> pruned = new LinkedHashMap<>();
    private ScheduledExecutorService timer;

    public RetentionSweep(
            String name, DataSource dataSource, List<RetentionRule> rules, int batchSize, MeterRegistry registry) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Retention batch size must be at least 1, not " + batchSize);
        }
        this.name = name;
        this.dataSource = dataSource;
        this.rules = List.copyOf(rules);
        this.batchSize = batchSize;
        for (RetentionRule rule : this.rules) {
            pruned.put(
                    rule.table(),
                    Counter.builder(METRIC)
                            .tag("table", rule.table())
                            .description("Rows deleted by the retention sweep, per table")
                            .register(registry));
        }
    }

    /** Sweeps every {@code interval} on a daemon thread of its own; zero or negative: never. */
    public synchronized void start(Duration interval) {
        if (interval.isZero() || interval.isNegative() || timer != null) {
            return;
        }
        timer = BackgroundTasks.scheduler(name);
        timer.scheduleWithFixedDelay(
                () -> sweepQuietly(interval), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs every rule once, until no row past retention is left. A failing rule does not stop the
     * others; the first failure is thrown at the end.
     *
     * @return rows deleted per table, in rule order
     */
    public Map<String, Integer> sweep() throws SQLException {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        SQLException failure = null;
        for (RetentionRule rule : rules) {
            Instant before = Instant.now().minus(rule.keep());
            int total = 0;
            try (Connection connection = dataSource.getConnection()) {
                for (int n = batchSize; n >= batchSize; total += n) {
                    n = rule.pruner().prune(connection, before, batchSize);
                    pruned.get(rule.table()).increment(n);
                }
            } catch (SQLException e) {
                failure = failure == null ? e : failure;
                LOG.warnf(
                        "Retention of %s failed after %d rows, next sweep tries again: %s",
                        rule.table(), total, e.getMessage());
            }
            deleted.put(rule.table(), total);
            if (total > 0) {
                LOG.infof("Retention: deleted %d rows of %s older than %s", total, rule.table(), before);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return deleted;
    }

    private void sweepQuietly(Duration interval) {
        try {
            sweep();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Retention sweep failed, next try in %s: %s", interval, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
