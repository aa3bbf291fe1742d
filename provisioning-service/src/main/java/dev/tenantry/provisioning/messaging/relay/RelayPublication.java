package dev.tenantry.provisioning.messaging.relay;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/** What the relay needs in PostgreSQL before its engine starts: the publication and the slot. */
public final class RelayPublication {

    private static final Logger LOG = Logger.getLogger(RelayPublication.class);

    private RelayPublication() {}

    /**
     * Creates the publication (inserts into the outbox and heartbeat tables only: deletes of
     * relayed rows are never decoded) and the replication slot, when missing. Run at start-up,
     * before any request is accepted, so that no outbox row is written before the slot exists, and
     * by the lock holder before each start of its engine. A slot that was lost is recreated and the
     * rows still in the outbox are written again for it: see {@link ReplicationSlotRecovery}.
     */
    public static void prepare(Connection connection, RelaySettings settings) throws SQLException {
        if (!exists(connection, "SELECT 1 FROM pg_publication WHERE pubname = ?", settings.publicationName())) {
            try (var statement = connection.createStatement()) {
                statement.execute("CREATE PUBLICATION " + settings.publicationName() + " FOR TABLE "
                        + settings.outboxTable() + ", " + settings.heartbeatTable() + " WITH (publish = 'insert')");
                LOG.infof("Created publication %s", settings.publicationName());
            } catch (SQLException e) {
                ignoreIfDuplicate(e);
            }
        }
        ReplicationSlotRecovery.ensure(connection, settings);
    }

    /** Opens a connection and prepares publication and slot. */
    public static void prepare(RelaySettings settings) throws SQLException {
        try (Connection connection =
                DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
            prepare(connection, settings);
        }
    }

    private static boolean exists(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void ignoreIfDuplicate(SQLException e) throws SQLException {
        // Another replica created it at the same moment.
        if (!"42710".equals(e.getSQLState())) {
            throw e;
        }
    }
}
