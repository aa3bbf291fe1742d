package dev.tenantry.worker.repository;

import dev.tenantry.worker.model.MigrationRun;
import dev.tenantry.worker.model.RunKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The migration run log in the shared schema: one row per attempt. */
@ApplicationScoped
public class MigrationRunRepository {

    private static final String INSERT = """
            INSERT INTO migration_run (tenant_id, schema_name, request_id, kind, status, from_version, to_version,
                failed_version, applied_count, started_at, finished_at, duration_ms, error_code, error_message,
                result_detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String COLUMNS = """
            tenant_id, schema_name, request_id, kind, status, from_version, to_version, failed_version,
            applied_count, started_at, finished_at, error_code, error_message, result_detail
            """;
    private static final String BY_REQUEST =
            "SELECT " + COLUMNS + " FROM migration_run WHERE request_id = ? ORDER BY id DESC LIMIT 1";
    private static final String BY_TENANT =
            "SELECT " + COLUMNS + " FROM migration_run WHERE tenant_id = ? ORDER BY id DESC LIMIT ?";

    // A run goes once a later run of its schema and a later run of its tenant exist: what drift
    // (latest run per schema) and the tenant's run history (latest run per tenant) stand on stays.
    private static final String PRUNE = """
            DELETE FROM migration_run
             WHERE id IN (SELECT r.id FROM migration_run r
                           WHERE r.finished_at < ?
                             AND EXISTS (SELECT 1 FROM migration_run s
                                          WHERE s.schema_name = r.schema_name AND s.id > r.id)
                             AND EXISTS (SELECT 1 FROM migration_run t
                                          WHERE t.tenant_id = r.tenant_id AND t.id > r.id)
                           LIMIT ?)
            """;

    public void insert(Connection connection, MigrationRun run) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, run.tenantId());
            insert.setString(2, run.schema());
            insert.setString(3, run.requestId());
            insert.setString(4, run.kind().dbValue());
            insert.setString(5, run.succeeded() ? "succeeded" : "failed");
            insert.setString(6, run.fromVersion());
            insert.setString(7, run.toVersion());
            insert.setString(8, run.failedVersion());
            insert.setInt(9, run.appliedCount());
            insert.setTimestamp(10, Timestamp.from(run.startedAt()));
            insert.setTimestamp(11, Timestamp.from(run.finishedAt()));
            insert.setLong(12, run.durationMs());
            insert.setString(13, run.errorCode());
            insert.setString(14, run.errorMessage());
            insert.setString(15, run.detail());
            insert.executeUpdate();
        }
    }

    /** Completes a recorded run's outcome (a deletion recorded without an archive by an older release). */
    public void updateOutcome(Connection connection, String requestId, MigrationRun run) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE migration_run SET result_detail = ?, error_code = ?, error_message = ? WHERE request_id = ?")) {
            update.setString(1, run.detail());
            update.setString(2, run.errorCode());
            update.setString(3, run.errorMessage());
            update.setString(4, requestId);
            update.executeUpdate();
        }
    }

    public Optional<MigrationRun> findByRequest(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_REQUEST)) {
            select.setString(1, requestId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    public List<MigrationRun> findByTenant(Connection connection, String tenantId, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_TENANT)) {
            select.setString(1, tenantId);
            select.setInt(2, limit);
            List<MigrationRun> runs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    runs.add(map(rows));
                }
            }
            return runs;
        }
    }

    /** Deletes up to {@code limit} runs that finished before {@code before} and are nobody's latest. */
    public int prune(Connection connection, Instant before, int limit) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(PRUNE)) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }

    private static MigrationRun map(ResultSet rows) throws SQLException {
        return new MigrationRun(
                rows.getString("tenant_id"),
                rows.getString("schema_name"),
                rows.getString("request_id"),
                RunKind.fromDb(rows.getString("kind")),
                "succeeded".equals(rows.getString("status")),
                rows.getString("from_version"),
                rows.getString("to_version"),
                rows.getString("failed_version"),
                rows.getInt("applied_count"),
                rows.getTimestamp("started_at").toInstant(),
                rows.getTimestamp("finished_at").toInstant(),
                rows.getString("error_code"),
                rows.getString("error_message"),
                rows.getString("result_detail"));
    }
}
