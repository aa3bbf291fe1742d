package dev.tenantry.provisioning.repository;

import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.model.TimelineEntry;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Each tenant's history, appended in the transaction of the change it records. */
@ApplicationScoped
public class TimelineRepository {

    private static final String INSERT = """
            INSERT INTO tenant_timeline (tenant_id, kind, from_status, to_status, event_type, event_id, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String BY_TENANT = """
            SELECT seq, occurred_at, kind, from_status, to_status, event_type, event_id, detail
            FROM tenant_timeline WHERE tenant_id = ? ORDER BY seq
            """;

    // An entry goes once a later entry of its tenant changed the tenant's status: the transition into
    // the current status, and whatever came after it, stay however old.
    private static final String PRUNE = """
            DELETE FROM tenant_timeline
             WHERE seq IN (SELECT t.seq FROM tenant_timeline t
                            WHERE t.occurred_at < ?
                              AND EXISTS (SELECT 1 FROM tenant_timeline n
                                           WHERE n.tenant_id = t.tenant_id AND n.seq > t.seq
                                             AND n.to_status IS NOT NULL)
                            LIMIT ?)
            """;

    public void append(
            Connection connection,
            UUID tenantId,
            String kind,
            TenantStatus from,
            TenantStatus to,
            String eventType,
            String eventId,
            String detail)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, tenantId);
            insert.setString(2, kind);
            insert.setString(3, from == null ? null : from.name());
            insert.setString(4, to == null ? null : to.name());
            insert.setString(5, eventType);
            insert.setString(6, eventId);
            insert.setString(7, detail);
            insert.executeUpdate();
        }
    }

    public List<TimelineEntry> forTenant(Connection connection, UUID tenantId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_TENANT)) {
            select.setObject(1, tenantId);
            List<TimelineEntry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new TimelineEntry(
                            rows.getLong("seq"),
                            rows.getTimestamp("occurred_at").toInstant(),
                            rows.getString("kind"),
                            status(rows.getString("from_status")),
                            status(rows.getString("to_status")),
                            rows.getString("event_type"),
                            rows.getString("event_id"),
                            rows.getString("detail")));
                }
            }
            return entries;
        }
    }

    /** Deletes up to {@code limit} entries older than {@code before} that the tenant's state does not rest on. */
    public int prune(Connection connection, Instant before, int limit) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(PRUNE)) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }

    private static TenantStatus status(String name) {
        return name == null ? null : TenantStatus.valueOf(name);
    }
}
