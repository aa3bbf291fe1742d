package dev.tenantry.support.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * What one table keeps: rows older than {@code keep} are pruned, at most {@code limit} per
 * statement, by {@code pruner}. The pruner decides which old rows must stay anyway (for instance
 * the latest entry a tenant's current state depends on).
 *
 * @param table the name the rule is reported and metered under (normally the table's)
 */
public record RetentionRule(String table, Duration keep, Pruner pruner) {

    /** Deletes up to {@code limit} prunable rows older than {@code before}; returns how many it deleted. */
    @FunctionalInterface
    public interface Pruner {
        int prune(Connection connection, Instant before, int limit) throws SQLException;
    }

    public RetentionRule {
        if (keep == null || keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("Retention of " + table + " must be positive, not " + keep);
        }
    }
}
