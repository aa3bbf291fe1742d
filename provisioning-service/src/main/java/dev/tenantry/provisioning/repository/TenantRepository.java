package dev.tenantry.provisioning.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantPage;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.model.WorkerProgress;
import dev.tenantry.support.persistence.PageCursor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The tenant registry table. Every method runs on the caller's connection (and transaction). */
@ApplicationScoped
public class TenantRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private static final String COLUMNS = """
            id, slug, display_name, plan, metadata::text AS metadata, status, current_version, target_version,
            failure_reason, last_request_id, correlation_id, request_attempts, status_changed_at, created_at, updated_at
            """;
    private static final String INSERT = """
            INSERT INTO tenant (id, slug, display_name, plan, metadata, status, current_version, target_version,
                failure_reason, last_request_id, correlation_id, request_attempts, status_changed_at, created_at,
                updated_at)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String UPDATE = """
            UPDATE tenant SET status = ?, current_version = ?, target_version = ?, failure_reason = ?,
                last_request_id = ?, correlation_id = ?, request_attempts = ?, status_changed_at = ?, updated_at = ?,
                request_sent_at = CASE WHEN last_request_id IS DISTINCT FROM ? THEN ? ELSE request_sent_at END
            WHERE id = ?
            """;
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM tenant WHERE id = ?";
    private static final String LOCK_BY_ID = BY_ID + " FOR UPDATE";
    // A slug names its live tenant; when none is live, the most recent one that had it.
    private static final String BY_SLUG = "SELECT " + COLUMNS + """
             FROM tenant WHERE slug = ?
            ORDER BY (status NOT IN ('ROLLED_BACK', 'DELETED')) DESC, created_at DESC LIMIT 1
            """;
    private static final String LIVE_SLUG_TAKEN = """
            SELECT 1 FROM tenant WHERE slug = ? AND status NOT IN ('ROLLED_BACK', 'DELETED')
            """;
    private static final String COUNT_BY_STATUS = "SELECT status, count(*) FROM tenant GROUP BY status";
    private static final String WAITING_SINCE = "SELECT " + COLUMNS + """
             FROM tenant WHERE status = ? AND status_changed_at < ?
            ORDER BY status_changed_at LIMIT ? FOR UPDATE SKIP LOCKED
            """;
    // Statuses a worker's answer leads to (see tenant_answered_idx).
    private static final String WORKER_PROGRESS = """
            SELECT max(status_changed_at), max(request_sent_at) FROM tenant
            WHERE status_changed_at > ? AND status IN ('ACTIVE', 'FAILED', 'ROLLED_BACK', 'UPGRADE_FAILED', 'DELETED')
            """;

    public void insert(Connection connection, Tenant tenant) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, tenant.id());
            insert.setString(2, tenant.slug());
            insert.setString(3, tenant.displayName());
            insert.setString(4, tenant.plan());
            insert.setString(5, toJson(tenant.metadata()));
            insert.setString(6, tenant.status().name());
            insert.setString(7, tenant.currentVersion());
            insert.setString(8, tenant.targetVersion());
            insert.setString(9, tenant.failureReason());
            insert.setString(10, tenant.lastRequestId());
            insert.setString(11, tenant.correlationId());
            insert.setInt(12, tenant.requestAttempts());
            insert.setTimestamp(13, Timestamp.from(tenant.statusChangedAt()));
            insert.setTimestamp(14, Timestamp.from(tenant.createdAt()));
            insert.setTimestamp(15, Timestamp.from(tenant.updatedAt()));
            insert.executeUpdate();
        }
    }

    /** Writes the saga-owned columns of the tenant (identity, slug and metadata never change). */
    public void update(Connection connection, Tenant tenant) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
            update.setString(1, tenant.status().name());
            update.setString(2, tenant.currentVersion());
            update.setString(3, tenant.targetVersion());
            update.setString(4, tenant.failureReason());
            update.setString(5, tenant.lastRequestId());
            update.setString(6, tenant.correlationId());
            update.setInt(7, tenant.requestAttempts());
            update.setTimestamp(8, Timestamp.from(tenant.statusChangedAt()));
            update.setTimestamp(9, Timestamp.from(tenant.updatedAt()));
            // A new request id means a request was sent in this transition (SET sees the old row).
            update.setString(10, tenant.lastRequestId());
            update.setTimestamp(11, Timestamp.from(tenant.updatedAt()));
            update.setObject(12, tenant.id());
            if (update.executeUpdate() != 1) {
                throw new SQLException("tenant " + tenant.id() + " vanished while being updated");
            }
        }
    }

    public Optional<Tenant> findById(Connection connection, UUID id) throws SQLException {
        return one(connection, BY_ID, id);
    }

    /** The tenant, row-locked until the transaction ends: saga steps of one tenant never interleave. */
    public Optional<Tenant> lockById(Connection connection, UUID id) throws SQLException {
        return one(connection, LOCK_BY_ID, id);
    }

    public Optional<Tenant> findBySlug(Connection connection, String slug) throws SQLException {
        return one(connection, BY_SLUG, slug);
    }

    public boolean isSlugTaken(Connection connection, String slug) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LIVE_SLUG_TAKEN)) {
            select.setString(1, slug);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Tenants in {@code status} since before {@code before}, locked; ones locked by others are skipped. */
    public List<Tenant> lockWaitingSince(Connection connection, TenantStatus status, Instant before, int limit)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(WAITING_SINCE)) {
            select.setString(1, status.name());
            select.setTimestamp(2, Timestamp.from(before));
            select.setInt(3, limit);
            return all(select);
        }
    }

    /** The worker's answers since {@code since}, as far as the registry shows them. */
    public WorkerProgress workerProgressSince(Connection connection, Instant since) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(WORKER_PROGRESS)) {
            select.setTimestamp(1, Timestamp.from(since));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                Timestamp lastAnswer = row.getTimestamp(1);
                Timestamp latestRequest = row.getTimestamp(2);
                return new WorkerProgress(
                        lastAnswer == null ? null : lastAnswer.toInstant(),
                        latestRequest == null ? null : latestRequest.toInstant());
            }
        }
    }

    public Map<TenantStatus, Long> countByStatus(Connection connection) throws SQLException {
        Map<TenantStatus, Long> counts = new EnumMap<>(TenantStatus.class);
        for (TenantStatus status : TenantStatus.values()) {
            counts.put(status, 0L);
        }
        try (PreparedStatement select = connection.prepareStatement(COUNT_BY_STATUS);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(TenantStatus.valueOf(rows.getString(1)), rows.getLong(2));
            }
        }
        return counts;
    }

    /**
     * A page in (created_at, id) order, which never changes for a tenant: a cursor stays valid
     * while tenants are added or change status.
     */
    public TenantPage page(Connection connection, TenantStatus status, String cursor, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM tenant WHERE true");
        List<Object> params = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status.name());
        }
        if (cursor != null) {
            PageCursor position = PageCursor.decode(cursor);
            sql.append(" AND (created_at, id) > (?, ?)");
            params.add(Timestamp.from(position.createdAt()));
            params.add(position.id());
        }
        sql.append(" ORDER BY created_at, id LIMIT ?");
        params.add(limit + 1);
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                select.setObject(i + 1, params.get(i));
            }
            List<Tenant> tenants = all(select);
            if (tenants.size() <= limit) {
                return new TenantPage(tenants, null);
            }
            List<Tenant> page = tenants.subList(0, limit);
            Tenant last = page.get(limit - 1);
            return new TenantPage(List.copyOf(page), new PageCursor(last.createdAt(), last.id()).encode());
        }
    }

    private static Optional<Tenant> one(Connection connection, String sql, Object key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, key);
            List<Tenant> tenants = all(select);
            return tenants.isEmpty() ? Optional.empty() : Optional.of(tenants.get(0));
        }
    }

    private static List<Tenant> all(PreparedStatement select) throws SQLException {
        List<Tenant> tenants = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                tenants.add(map(rows));
            }
        }
        return tenants;
    }

    private static Tenant map(ResultSet rows) throws SQLException {
        return new Tenant(
                rows.getObject("id", UUID.class),
                rows.getString("slug"),
                rows.getString("display_name"),
                rows.getString("plan"),
                fromJson(rows.getString("metadata")),
                TenantStatus.valueOf(rows.getString("status")),
                rows.getString("current_version"),
                rows.getString("target_version"),
                rows.getString("failure_reason"),
                rows.getString("last_request_id"),
                rows.getString("correlation_id"),
                rows.getInt("request_attempts"),
                rows.getTimestamp("status_changed_at").toInstant(),
                rows.getTimestamp("created_at").toInstant(),
                rows.getTimestamp("updated_at").toInstant());
    }

    private static String toJson(Map<String, String> metadata) {
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata cannot be written as JSON", e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata column holds invalid JSON", e);
        }
    }
}
