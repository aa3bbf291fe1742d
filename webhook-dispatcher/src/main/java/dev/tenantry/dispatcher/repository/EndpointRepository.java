package dev.tenantry.dispatcher.repository;

import dev.tenantry.dispatcher.model.Page;
import dev.tenantry.dispatcher.model.WebhookEndpoint;
import dev.tenantry.support.persistence.PageCursor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** Webhook endpoints in the shared schema. */
@ApplicationScoped
public class EndpointRepository {

    private static final String COLUMNS = """
            id, url, description, event_types, tenant_ids, enabled, disabled_reason, disabled_at, failing_since,
            created_at, updated_at
            """;
    private static final String INSERT = """
            INSERT INTO webhook_endpoint (id, url, description, event_types, tenant_ids, enabled, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, true, now(), now())
            RETURNING\s""" + COLUMNS;
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM webhook_endpoint WHERE id = ?";
    private static final String BY_ID_FOR_UPDATE = BY_ID + " FOR UPDATE";
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM webhook_endpoint
            WHERE (?::text IS NULL OR tenant_ids IS NULL OR ?::text = ANY (tenant_ids))
              AND (?::timestamptz IS NULL OR (created_at, id) > (?::timestamptz, ?::uuid))
            ORDER BY created_at, id
            LIMIT ?
            """;
    private static final String UPDATE = """
            UPDATE webhook_endpoint SET url = ?, description = ?, event_types = ?, tenant_ids = ?, updated_at = now()
            WHERE id = ?
            RETURNING\s""" + COLUMNS;
    private static final String ENABLE = """
            UPDATE webhook_endpoint
               SET enabled = true, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, updated_at = now()
             WHERE id = ? AND NOT enabled
            """;
    private static final String DISABLE = """
            UPDATE webhook_endpoint SET enabled = false, disabled_reason = ?, disabled_at = now(), updated_at = now()
             WHERE id = ? AND enabled
            """;
    private static final String DELETE = "DELETE FROM webhook_endpoint WHERE id = ?";
    // Endpoints whose every attempt failed since before the cutoff.
    private static final String DISABLE_FAILING = """
            UPDATE webhook_endpoint
               SET enabled = false, disabled_at = now(), updated_at = now(),
                   disabled_reason = 'every delivery attempt failed since ' || to_char(failing_since AT TIME ZONE 'UTC',
                       'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' (auto-disabled after ' || ? || ')'
             WHERE enabled AND failing_since < ?
            RETURNING id, failing_since
            """;
    // A run of failures starts at its first failure; a success ends it. Rows change only when the state does.
    static final String FAILURE_STATE = """
            UPDATE webhook_endpoint e
               SET failing_since = CASE u.mode WHEN 'clear' THEN NULL
                                               WHEN 'restart' THEN to_timestamp(u.at_ms / 1000.0)
                                               ELSE coalesce(e.failing_since, to_timestamp(u.at_ms / 1000.0)) END
              FROM unnest(?::uuid[], ?::text[], ?::bigint[]) AS u(id, mode, at_ms)
             WHERE e.id = u.id
               AND (u.mode = 'restart'
                    OR (u.mode = 'clear' AND e.failing_since IS NOT NULL)
                    OR (u.mode = 'start' AND e.failing_since IS NULL))
            """;
    private static final String COUNT_DISABLED = "SELECT count(*) FROM webhook_endpoint WHERE NOT enabled";

    /** How the failure run of an endpoint changes after a batch of attempts. */
    public enum FailureRun {
        /** The last attempt succeeded. */
        CLEAR,
        /** Failures only: a run starts unless one is already going on. */
        START,
        /** A success, then failures: a new run starts at the first failure after the success. */
        RESTART
    }

    /** One endpoint's change of failure run, at the given time. */
    public record FailureRunChange(UUID endpointId, FailureRun change, Instant at) {}

    /** An endpoint the auto-disable check switched off. */
    public record DisabledEndpoint(UUID id, Instant failingSince) {}

    public WebhookEndpoint insert(
            Connection connection,
            UUID id,
            String url,
            String description,
            List<String> eventTypes,
            List<String> tenantIds)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, id);
            insert.setString(2, url);
            insert.setString(3, description);
            insert.setArray(4, Jdbc.textArrayOrNull(connection, eventTypes));
            insert.setArray(5, Jdbc.textArrayOrNull(connection, tenantIds));
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return map(rows);
            }
        }
    }

    public Optional<WebhookEndpoint> find(Connection connection, UUID id) throws SQLException {
        return findOne(connection, BY_ID, id);
    }

    /** The endpoint, locked until the end of the caller's transaction. */
    public Optional<WebhookEndpoint> lock(Connection connection, UUID id) throws SQLException {
        return findOne(connection, BY_ID_FOR_UPDATE, id);
    }

    /** Endpoints oldest first, a page after {@code after} (null: from the start). */
    public Page<WebhookEndpoint> list(Connection connection, String tenantId, PageCursor after, int limit)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LIST)) {
            select.setString(1, tenantId);
            select.setString(2, tenantId);
            Timestamp afterTime = after == null ? null : Timestamp.from(after.createdAt());
            select.setTimestamp(3, afterTime);
            select.setTimestamp(4, afterTime);
            select.setObject(5, after == null ? null : after.id());
            select.setInt(6, limit + 1);
            List<WebhookEndpoint> endpoints = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    endpoints.add(map(rows));
                }
            }
            if (endpoints.size() <= limit) {
                return new Page<>(endpoints, null);
            }
            WebhookEndpoint last = endpoints.get(limit - 1);
            return new Page<>(
                    List.copyOf(endpoints.subList(0, limit)), new PageCursor(last.createdAt(), last.id()).encode());
        }
    }

    public Optional<WebhookEndpoint> update(
            Connection connection,
            UUID id,
            String url,
            String description,
            List<String> eventTypes,
            List<String> tenantIds)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
            update.setString(1, url);
            update.setString(2, description);
            update.setArray(3, Jdbc.textArrayOrNull(connection, eventTypes));
            update.setArray(4, Jdbc.textArrayOrNull(connection, tenantIds));
            update.setObject(5, id);
            try (ResultSet rows = update.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    /** @return true when the endpoint was disabled and is now enabled */
    public boolean enable(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(ENABLE)) {
            update.setObject(1, id);
            return update.executeUpdate() == 1;
        }
    }

    /** @return true when the endpoint was enabled and is now disabled */
    public boolean disable(Connection connection, UUID id, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(DISABLE)) {
            update.setString(1, reason);
            update.setObject(2, id);
            return update.executeUpdate() == 1;
        }
    }

    public boolean delete(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setObject(1, id);
            return delete.executeUpdate() == 1;
        }
    }

    public List<DisabledEndpoint> disableFailingSince(Connection connection, Instant cutoff, String window)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(DISABLE_FAILING)) {
            update.setString(1, window);
            update.setTimestamp(2, Jdbc.timestamp(cutoff));
            List<DisabledEndpoint> disabled = new ArrayList<>();
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    disabled.add(new DisabledEndpoint(
                            rows.getObject("id", UUID.class), Jdbc.instant(rows, "failing_since")));
                }
            }
            return disabled;
        }
    }

    /** Binds the parameters of {@link #FAILURE_STATE} from {@code first} on; returns the next parameter index. */
    static int bindFailureRuns(
            Connection connection, PreparedStatement statement, int first, List<FailureRunChange> changes)
            throws SQLException {
        UUID[] ids = new UUID[changes.size()];
        String[] modes = new String[changes.size()];
        Long[] times = new Long[changes.size()];
        for (int i = 0; i < changes.size(); i++) {
            FailureRunChange change = changes.get(i);
            ids[i] = change.endpointId();
            modes[i] = change.change().name().toLowerCase(Locale.ROOT);
            times[i] = change.at().toEpochMilli();
        }
        statement.setArray(first, connection.createArrayOf("uuid", ids));
        statement.setArray(first + 1, connection.createArrayOf("text", modes));
        statement.setArray(first + 2, connection.createArrayOf("bigint", times));
        return first + 3;
    }

    public int countDisabled(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(COUNT_DISABLED);
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private Optional<WebhookEndpoint> findOne(Connection connection, String sql, UUID id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    private static WebhookEndpoint map(ResultSet rows) throws SQLException {
        return new WebhookEndpoint(
                rows.getObject("id", UUID.class),
                rows.getString("url"),
                rows.getString("description"),
                Jdbc.textList(rows, "event_types"),
                Jdbc.textList(rows, "tenant_ids"),
                rows.getBoolean("enabled"),
                rows.getString("disabled_reason"),
                Jdbc.instant(rows, "disabled_at"),
                Jdbc.instant(rows, "failing_since"),
                Jdbc.instant(rows, "created_at"),
                Jdbc.instant(rows, "updated_at"));
    }
}
