package dev.tenantry.worker.repository;

import dev.tenantry.worker.model.Rollout;
import dev.tenantry.worker.model.RolloutPlan;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Rollouts in the shared schema: the plan, its stages, and one row per tenant that every worker
 * instance claims from. Claims lock the rollout's row for the few statements of the claim, so
 * that the stage's parallelism holds across instances; the tenant rows themselves are claimed
 * with a lease, so a dead worker's tenants are claimed again once it runs out.
 */
@ApplicationScoped
public class RolloutRepository {

    private static final Rollout.Counts NONE = new Rollout.Counts(0, 0, 0, 0, 0, 0);

    /** A tenant a worker claimed: what to migrate, and the attempt number for the run's request id. */
    public record Claim(
            String rolloutId,
            String schema,
            String tenant,
            String currentVersion,
            String targetVersion,
            int stage,
            int attempt) {}

    /** A rollout's row, as the executor needs it to judge the current stage. */
    public record Head(String id, String state, String targetVersion, int currentStage, int stageCount) {}

    /** One stage's settings. */
    public record StageRow(
            int position, String name, int parallelism, int maxFailures, long pauseAfterMs, boolean gate) {}

    public void insert(Connection connection, String id, String requestedBy, RolloutPlan plan) throws SQLException {
        // Nothing to migrate: done at once, instead of open until the next poll judges it.
        boolean empty = plan.tenantCount() == 0;
        try (PreparedStatement rollout = connection.prepareStatement(
                "INSERT INTO tenant_rollout (id, target_version, state, requested_by, finished_at) "
                        + "VALUES (?, ?, ?, ?, " + (empty ? "now()" : "NULL") + ")")) {
            rollout.setString(1, id);
            rollout.setString(2, plan.targetVersion());
            rollout.setString(3, empty ? Rollout.COMPLETED : Rollout.RUNNING);
            rollout.setString(4, requestedBy);
            rollout.executeUpdate();
        }
        try (PreparedStatement stage = connection.prepareStatement(
                        "INSERT INTO tenant_rollout_stage (rollout_id, position, name, parallelism, max_failures, "
                                + "pause_after_ms, gate_after) VALUES (?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement target = connection.prepareStatement(
                        "INSERT INTO tenant_rollout_target (rollout_id, schema_name, tenant_id, stage, from_version, "
                                + "state, error) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (RolloutPlan.PlannedStage planned : plan.stages()) {
                stage.setString(1, id);
                stage.setInt(2, planned.position());
                stage.setString(3, planned.name());
                stage.setInt(4, planned.parallelism());
                stage.setInt(5, planned.maxFailures());
                stage.setLong(6, planned.pauseAfterSeconds() * 1000);
                stage.setBoolean(7, planned.gate());
                stage.addBatch();
                for (RolloutPlan.Target tenant : planned.tenants()) {
                    target.setString(1, id);
                    target.setString(2, tenant.schema());
                    target.setString(3, tenant.tenant());
                    target.setInt(4, planned.position());
                    target.setString(5, tenant.currentVersion());
                    target.setString(6, "pending");
                    target.setString(7, null);
                    target.addBatch();
                }
            }
            int last = plan.stages().size() - 1;
            for (RolloutPlan.Skipped skipped : plan.skipped()) {
                if (skipped.schema() == null) {
                    continue; // a name that matched no tenant: in the plan's answer, not a tenant row
                }
                target.setString(1, id);
                target.setString(2, skipped.schema());
                target.setString(3, skipped.tenant());
                target.setInt(4, last);
                target.setString(5, null);
                target.setString(6, "skipped");
                target.setString(7, skipped.reason());
                target.addBatch();
            }
            stage.executeBatch();
            target.executeBatch();
        }
    }

    /** The open (running, paused or halted) rollout to {@code targetVersion}, if any. */
    public Optional<String> openFor(Connection connection, String targetVersion) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM tenant_rollout WHERE target_version = ? AND state IN ('running', 'paused', 'halted')")) {
            select.setString(1, targetVersion);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /** Ids of the newest rollouts first. */
    public List<String> recentIds(Connection connection, int limit) throws SQLException {
        return ids(connection, "SELECT id FROM tenant_rollout ORDER BY created_at DESC, id LIMIT " + limit);
    }

    /** Rollouts whose tenants may be claimed or whose stage may advance. */
    public List<String> runningIds(Connection connection) throws SQLException {
        return ids(connection, "SELECT id FROM tenant_rollout WHERE state = 'running' ORDER BY created_at");
    }

    /** Running rollouts to one of these versions: those an instance that knows them can work on. */
    public List<String> runningIdsTo(Connection connection, List<String> versions) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM tenant_rollout WHERE state = 'running' AND target_version = ANY (?) ORDER BY created_at")) {
            select.setArray(1, connection.createArrayOf("text", versions.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private static List<String> ids(Connection connection, String sql) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /**
     * Claims one tenant of the rollout's current stage for {@code worker}: a pending one, or one
     * whose claimant's lease ran out. Nothing when the rollout is not running, its stage has not
     * started yet, or the stage already runs as many tenants as its parallelism allows. Must run in
     * a transaction: the rollout's row stays locked until it ends.
     */
    public Optional<Claim> claim(Connection connection, String rolloutId, String worker, Duration lease)
            throws SQLException {
        String targetVersion;
        int stage;
        int parallelism;
        int maxFailures;
        try (PreparedStatement lock = connection.prepareStatement("""
                SELECT r.target_version, r.current_stage, s.parallelism, s.max_failures
                  FROM tenant_rollout r
                  JOIN tenant_rollout_stage s ON s.rollout_id = r.id AND s.position = r.current_stage
                 WHERE r.id = ? AND r.state = 'running' AND r.stage_not_before <= now()
                   FOR UPDATE OF r
                """)) {
            lock.setString(1, rolloutId);
            try (ResultSet rows = lock.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                targetVersion = rows.getString(1);
                stage = rows.getInt(2);
                parallelism = rows.getInt(3);
                maxFailures = rows.getInt(4);
            }
        }
        if (countRunning(connection, rolloutId, stage) >= parallelism
                || countFailed(connection, rolloutId, stage) > maxFailures) {
            // The stage runs as many tenants as it may, or its failure budget is spent: a spent
            // budget starts no more tenants, even before the stage is judged.
            return Optional.empty();
        }
        // A pending tenant first (one entry of the partial index), else one whose lease ran out.
        Optional<Claim> claim = claimWhere(connection, rolloutId, stage, targetVersion, worker, lease, PENDING);
        return claim.isPresent()
                ? claim
                : claimWhere(connection, rolloutId, stage, targetVersion, worker, lease, LEASE_EXPIRED);
    }

    private static final String PENDING = "c.state = 'pending'";
    private static final String LEASE_EXPIRED = "c.state = 'running' AND c.lease_until <= now()";

    private static Optional<Claim> claimWhere(
            Connection connection,
            String rolloutId,
            int stage,
            String targetVersion,
            String worker,
            Duration lease,
            String condition)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE tenant_rollout_target t
                   SET state = 'running', claimed_by = ?, lease_until = now() + make_interval(secs => ?),
                       attempts = t.attempts + 1, started_at = now(), error = NULL
                 WHERE (t.rollout_id, t.schema_name) = (
                        SELECT c.rollout_id, c.schema_name FROM tenant_rollout_target c
                         WHERE c.rollout_id = ? AND c.stage = ? AND %s
                         ORDER BY c.schema_name
                         LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING t.schema_name, t.tenant_id, t.from_version, t.attempts
                """.formatted(condition))) {
            update.setString(1, worker);
            update.setDouble(2, lease.toMillis() / 1000.0);
            update.setString(3, rolloutId);
            update.setInt(4, stage);
            try (ResultSet rows = update.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Claim claim = new Claim(
                        rolloutId,
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        targetVersion,
                        stage,
                        rows.getInt(4));
                markStageStarted(connection, rolloutId, stage);
                return Optional.of(claim);
            }
        }
    }

    /** Tenants of the stage running under a valid lease. */
    private static int countRunning(Connection connection, String rolloutId, int stage) throws SQLException {
        return count(
                connection,
                "SELECT count(*) FROM tenant_rollout_target WHERE rollout_id = ? AND stage = ? AND state = 'running' "
                        + "AND lease_until > now()",
                rolloutId,
                stage);
    }

    private static int countFailed(Connection connection, String rolloutId, int stage) throws SQLException {
        return count(
                connection,
                "SELECT count(*) FROM tenant_rollout_target WHERE rollout_id = ? AND stage = ? AND state = 'failed'",
                rolloutId,
                stage);
    }

    private static int count(Connection connection, String sql, String rolloutId, int stage) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, rolloutId);
            select.setInt(2, stage);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static void markStageStarted(Connection connection, String rolloutId, int stage) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE tenant_rollout_stage SET started_at = now() "
                        + "WHERE rollout_id = ? AND position = ? AND started_at IS NULL")) {
            update.setString(1, rolloutId);
            update.setInt(2, stage);
            update.executeUpdate();
        }
    }

    /** Extends the leases of the tenants {@code worker} is migrating now. */
    public void renew(Connection connection, String worker, List<Claim> claims, Duration lease) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE tenant_rollout_target SET lease_until = now() + make_interval(secs => ?) "
                        + "WHERE rollout_id = ? AND schema_name = ? AND claimed_by = ? AND state = 'running'")) {
            for (Claim claim : claims) {
                update.setDouble(1, lease.toMillis() / 1000.0);
                update.setString(2, claim.rolloutId());
                update.setString(3, claim.schema());
                update.setString(4, worker);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /**
     * Records a claimed tenant's outcome. Ignored (false) when the claim is no longer this
     * worker's: its lease ran out and another worker took the tenant over.
     */
    public boolean finish(
            Connection connection, Claim claim, String worker, boolean succeeded, String error, long durationMs)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE tenant_rollout_target
                   SET state = ?, error = ?, finished_at = now(), duration_ms = ?, lease_until = NULL
                 WHERE rollout_id = ? AND schema_name = ? AND claimed_by = ? AND state = 'running'
                """)) {
            update.setString(1, succeeded ? "done" : "failed");
            update.setString(2, error);
            update.setLong(3, durationMs);
            update.setString(4, claim.rolloutId());
            update.setString(5, claim.schema());
            update.setString(6, worker);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Locks a running rollout's row for judging its stage, unless another worker is doing that or
     * claiming from it right now (then it is that worker's turn).
     */
    public Optional<Head> lockRunning(Connection connection, String id) throws SQLException {
        return head(connection, id, "AND r.state = 'running' FOR UPDATE OF r SKIP LOCKED");
    }

    /** Locks any rollout's row, waiting for claims in flight, for an operator's change of state. */
    public Optional<Head> lock(Connection connection, String id) throws SQLException {
        return head(connection, id, "FOR UPDATE OF r");
    }

    private static Optional<Head> head(Connection connection, String id, String conditionAndLock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT r.id, r.state, r.target_version, r.current_stage,
                       (SELECT count(*) FROM tenant_rollout_stage s WHERE s.rollout_id = r.id)
                  FROM tenant_rollout r WHERE r.id = ?
                """ + conditionAndLock)) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Head(
                                rows.getString(1),
                                rows.getString(2),
                                rows.getString(3),
                                rows.getInt(4),
                                rows.getInt(5)))
                        : Optional.empty();
            }
        }
    }

    public StageRow stage(Connection connection, String rolloutId, int position) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT position, name, parallelism, max_failures, pause_after_ms, gate_after "
                        + "FROM tenant_rollout_stage WHERE rollout_id = ? AND position = ?")) {
            select.setString(1, rolloutId);
            select.setInt(2, position);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("rollout " + rolloutId + " has no stage " + position);
                }
                return new StageRow(
                        rows.getInt(1),
                        rows.getString(2),
                        rows.getInt(3),
                        rows.getInt(4),
                        rows.getLong(5),
                        rows.getBoolean(6));
            }
        }
    }

    /** The tenants of one stage by state; a running tenant whose lease ran out still counts as running. */
    public Rollout.Counts counts(Connection connection, String rolloutId, int stage) throws SQLException {
        return countsByStage(connection, rolloutId).getOrDefault(stage, NONE);
    }

    private static Map<Integer, Rollout.Counts> countsByStage(Connection connection, String rolloutId)
            throws SQLException {
        Map<Integer, int[]> byStage = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT stage, state, count(*) FROM tenant_rollout_target WHERE rollout_id = ? GROUP BY stage, state")) {
            select.setString(1, rolloutId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int[] counts = byStage.computeIfAbsent(rows.getInt(1), s -> new int[5]);
                    int index = switch (rows.getString(2)) {
                        case "pending" -> 0;
                        case "running" -> 1;
                        case "done" -> 2;
                        case "failed" -> 3;
                        default -> 4;
                    };
                    counts[index] = rows.getInt(3);
                }
            }
        }
        Map<Integer, Rollout.Counts> result = new HashMap<>();
        byStage.forEach((stage, c) -> result.put(stage, counts(c[0], c[1], c[2], c[3], c[4])));
        return result;
    }

    /** Marks the current stage finished and moves to the next one, which starts after {@code pause}. */
    public void nextStage(Connection connection, String id, int finishedStage, Duration pause) throws SQLException {
        finishStage(connection, id, finishedStage);
        try (PreparedStatement update = connection.prepareStatement("UPDATE tenant_rollout SET current_stage = ?, "
                + "stage_not_before = now() + make_interval(secs => ?) WHERE id = ?")) {
            update.setInt(1, finishedStage + 1);
            update.setDouble(2, pause.toMillis() / 1000.0);
            update.setString(3, id);
            update.executeUpdate();
        }
    }

    public void finishStage(Connection connection, String id, int stage) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE tenant_rollout_stage SET finished_at = now(), started_at = coalesce(started_at, now()) "
                        + "WHERE rollout_id = ? AND position = ? AND finished_at IS NULL")) {
            update.setString(1, id);
            update.setInt(2, stage);
            update.executeUpdate();
        }
    }

    /**
     * Retention: deletes up to {@code limit} rollouts that ended (completed or aborted) before
     * {@code before}, with their stages and tenants.
     */
    public int pruneFinished(Connection connection, Instant before, int limit) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("""
                DELETE FROM tenant_rollout WHERE id IN (
                    SELECT id FROM tenant_rollout WHERE state IN ('completed', 'aborted') AND finished_at < ?
                    ORDER BY finished_at LIMIT ?)
                """)) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }

    /** Retention: deletes up to {@code limit} rollout events published before {@code before}. */
    public int prunePublishedEvents(Connection connection, Instant before, int limit) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("""
                DELETE FROM tenant_rollout_event WHERE event_id IN (
                    SELECT event_id FROM tenant_rollout_event WHERE published_at < ? ORDER BY seq LIMIT ?)
                """)) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }

    /** Sets the rollout's state and reason; a final state also records when it ended. */
    public void setState(Connection connection, String id, String state, String reason) throws SQLException {
        boolean ends = Rollout.ABORTED.equals(state) || Rollout.COMPLETED.equals(state);
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE tenant_rollout SET state = ?, reason = ?, finished_at = "
                        + (ends ? "now()" : "NULL") + " WHERE id = ?")) {
            update.setString(1, state);
            update.setString(2, reason);
            update.setString(3, id);
            update.executeUpdate();
        }
    }

    /**
     * Puts the rollout's failed tenants back to pending and returns its current stage to the
     * earliest stage that had one, so that they are claimed again.
     *
     * @return how many tenants will be retried
     */
    public int retryFailed(Connection connection, String id) throws SQLException {
        int earliest;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT min(stage) FROM tenant_rollout_target WHERE rollout_id = ? AND state = 'failed'")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                earliest = rows.getInt(1);
                if (rows.wasNull()) {
                    return 0;
                }
            }
        }
        int retried;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE tenant_rollout_target SET state = 'pending', claimed_by = NULL, lease_until = NULL "
                        + "WHERE rollout_id = ? AND state = 'failed'")) {
            update.setString(1, id);
            retried = update.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE tenant_rollout SET current_stage = least(current_stage, ?), stage_not_before = now() "
                        + "WHERE id = ?")) {
            update.setInt(1, earliest);
            update.setString(2, id);
            update.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE tenant_rollout_stage SET finished_at = NULL WHERE rollout_id = ? AND position >= ?")) {
            update.setString(1, id);
            update.setInt(2, earliest);
            update.executeUpdate();
        }
        return retried;
    }

    /** Mean duration of the last successful tenant upgrades, for a plan's estimate. */
    public OptionalLong averageUpgradeMs(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT avg(duration_ms) FROM (
                    SELECT duration_ms FROM migration_run
                     WHERE kind = 'upgrade' AND status = 'succeeded' ORDER BY id DESC LIMIT 200) recent
                """);
                ResultSet rows = select.executeQuery()) {
            rows.next();
            double mean = rows.getDouble(1);
            return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(Math.round(mean));
        }
    }

    /** The rollout with its stages, counts and failed tenants. */
    public Optional<Rollout> find(Connection connection, String id) throws SQLException {
        String targetVersion;
        String state;
        String reason;
        String requestedBy;
        int currentStage;
        Instant createdAt;
        Instant finishedAt;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT target_version, state, reason, requested_by, current_stage, created_at, finished_at "
                        + "FROM tenant_rollout WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                targetVersion = rows.getString(1);
                state = rows.getString(2);
                reason = rows.getString(3);
                requestedBy = rows.getString(4);
                currentStage = rows.getInt(5);
                createdAt = instant(rows.getTimestamp(6));
                finishedAt = instant(rows.getTimestamp(7));
            }
        }
        Map<Integer, Rollout.Counts> counts = countsByStage(connection, id);
        List<Rollout.Stage> stages = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT position, name, parallelism, max_failures, pause_after_ms, gate_after, started_at, finished_at "
                        + "FROM tenant_rollout_stage WHERE rollout_id = ? ORDER BY position")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int position = rows.getInt(1);
                    int budget = rows.getInt(4);
                    stages.add(new Rollout.Stage(
                            position,
                            rows.getString(2),
                            rows.getInt(3),
                            budget == RolloutPlan.UNLIMITED_FAILURES ? null : budget,
                            rows.getLong(5) / 1000,
                            rows.getBoolean(6),
                            instant(rows.getTimestamp(7)),
                            instant(rows.getTimestamp(8)),
                            counts.getOrDefault(position, NONE)));
                }
            }
        }
        List<Rollout.Failure> failures = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant_id, schema_name, stage, attempts, error FROM tenant_rollout_target "
                        + "WHERE rollout_id = ? AND state = 'failed' ORDER BY finished_at, schema_name LIMIT 100")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    failures.add(new Rollout.Failure(
                            rows.getString(1), rows.getString(2), rows.getInt(3), rows.getInt(4), rows.getString(5)));
                }
            }
        }
        int[] sum = new int[5];
        counts.values().forEach(c -> {
            sum[0] += c.pending();
            sum[1] += c.running();
            sum[2] += c.done();
            sum[3] += c.failed();
            sum[4] += c.skipped();
        });
        Rollout.Counts total = counts(sum[0], sum[1], sum[2], sum[3], sum[4]);
        Instant until = finishedAt != null ? finishedAt : Instant.now();
        double seconds = Math.max(0.001, Duration.between(createdAt, until).toMillis() / 1000.0);
        int finished = total.done() + total.failed();
        Double perSecond = finished == 0 ? null : finished / seconds;
        Long eta = perSecond == null ? null : Math.round(total.remaining() / perSecond);
        return Optional.of(new Rollout(
                id,
                targetVersion,
                state,
                reason,
                requestedBy,
                currentStage,
                createdAt,
                finishedAt,
                total,
                perSecond,
                eta,
                List.copyOf(stages),
                List.copyOf(failures)));
    }

    private static Rollout.Counts counts(int pending, int running, int done, int failed, int skipped) {
        return new Rollout.Counts(pending + running + done + failed + skipped, pending, running, done, failed, skipped);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
