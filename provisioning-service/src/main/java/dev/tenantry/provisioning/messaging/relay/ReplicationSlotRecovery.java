package dev.tenantry.provisioning.messaging.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.support.persistence.Transactions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * Makes sure the relay's replication slot exists and can serve the relay's stored position, and
 * when it could not (the slot was dropped, invalidated by {@code max_slot_wal_keep_size}, lost in a
 * failover to a replica without slots), recreates it without losing an event.
 *
 * <p>A new slot starts at the current WAL position, and the relay does not snapshot the outbox
 * ({@code snapshot.mode=no_data}), so rows written before it would never be decoded. But a row
 * leaves the outbox only after Kafka acknowledged it: what is still in the table is exactly what
 * may not have reached Kafka. So after creating the slot the rows are written again (deleted and
 * inserted in one transaction; the publication carries inserts only) and the new slot sees them,
 * and the stored offsets of the old slot are forgotten (Debezium refuses to start from a position
 * the slot no longer has). A row that did reach Kafka but whose delete was lost is relayed twice,
 * with the same event id, which consumers drop as a repeat.
 *
 * <p>The same repair runs when the slot exists but starts after the stored position: a slot
 * recreated by someone else, or a repair cut short between creating the slot and forgetting the
 * offsets. Such a slot is dropped and made again, since which rows it has already seen is
 * unknown. A slot in use by a running relay is never touched. Repairs are serialized across
 * replicas by an advisory lock.
 *
 * <p>A slot can also exist, be current and still never decode: PostgreSQL 17 can create a slot
 * that, when DDL transactions ran while it was being created (the worker building spare schemas,
 * say), fails on one of their tables with "could not map filenumber ... to relation OID", at the
 * same WAL record on every retry. The relay reports such a failure ({@link #isUndecodable}) and
 * the slot is recreated in the same way ({@link #recreateUndecodable}).
 */
final class ReplicationSlotRecovery {

    /** What {@link #ensure} found and did. */
    enum Outcome {
        SLOT_READY,
        SLOT_CREATED,
        SLOT_RECREATED,
        POSITION_RESET,
        SLOT_IN_USE
    }

    private static final Logger LOG = Logger.getLogger(ReplicationSlotRecovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** PostgreSQL's error when a slot's historic catalog does not know a table its changes touch. */
    private static final String UNDECODABLE = "could not map filenumber";

    private ReplicationSlotRecovery() {}

    static Outcome ensure(Connection connection, RelaySettings settings) throws SQLException {
        lock(connection, settings, true);
        try {
            return ensureLocked(connection, settings);
        } finally {
            lock(connection, settings, false);
        }
    }

    private static Outcome ensureLocked(Connection connection, RelaySettings settings) throws SQLException {
        Slot slot = slot(connection, settings);
        OptionalLong stored = storedLsn(connection, settings);
        if (slot != null && slot.active()) {
            if (slot.lost()) {
                LOG.warnf(
                        "Replication slot %s is invalidated but still in use by pid %d; the relay using it will fail"
                                + " and recreate it",
                        settings.slotName(), slot.activePid());
            }
            return Outcome.SLOT_IN_USE;
        }
        Outcome outcome;
        if (slot == null) {
            create(connection, settings);
            outcome = stored.isPresent() ? Outcome.SLOT_RECREATED : Outcome.SLOT_CREATED;
        } else if (slot.lost()) {
            LOG.warnf(
                    "Replication slot %s is invalidated (wal_status lost); dropping and recreating it",
                    settings.slotName());
            execute(connection, "SELECT pg_drop_replication_slot(?)", settings.slotName());
            create(connection, settings);
            outcome = Outcome.SLOT_RECREATED;
        } else if (stored.isPresent() && stored.getAsLong() < slot.restartLsn()) {
            // Rows written since that slot's creation are decodable, older ones are not; which are
            // which is unknown. A slot made now, with every row written again after it, relays
            // each row once.
            LOG.warnf(
                    "Replication slot %s starts after the relay's stored position (recreated since); recreating it"
                            + " again",
                    settings.slotName());
            execute(connection, "SELECT pg_drop_replication_slot(?)", settings.slotName());
            create(connection, settings);
            outcome = Outcome.POSITION_RESET;
        } else {
            return Outcome.SLOT_READY;
        }
        // Also on a first start: rows written while the relay was switched off predate the slot.
        int rows = rewritePendingRows(connection, settings);
        if (outcome == Outcome.SLOT_CREATED) {
            LOG.infof(
                    "Created replication slot %s%s",
                    settings.slotName(),
                    rows == 0 ? "" : "; " + rows + " outbox row(s) older than the slot written again");
        } else {
            forgetStoredPosition(connection, settings);
            LOG.warnf(
                    "Relay slot %s: %s; %d unrelayed outbox row(s) written again for the new slot (consumers drop"
                            + " repeats by event id)",
                    settings.slotName(), outcome, rows);
        }
        return outcome;
    }

    /** Whether a relay failure is PostgreSQL being unable to decode the slot's changes at all. */
    static boolean isUndecodable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(UNDECODABLE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops the relay's slot, which PostgreSQL cannot decode, and creates it again; the rows still
     * in the outbox are written again for the new slot and the old slot's position is forgotten.
     * Nothing is lost: a row leaves the outbox only once Kafka has it.
     */
    static Outcome recreateUndecodable(Connection connection, RelaySettings settings) throws SQLException {
        lock(connection, settings, true);
        try {
            Slot slot = slot(connection, settings);
            if (slot != null && slot.active()) {
                return Outcome.SLOT_IN_USE;
            }
            if (slot != null) {
                execute(connection, "SELECT pg_drop_replication_slot(?)", settings.slotName());
            }
            create(connection, settings);
            int rows = rewritePendingRows(connection, settings);
            forgetStoredPosition(connection, settings);
            LOG.warnf(
                    "Relay slot %s could not be decoded by PostgreSQL (%s); recreated it, %d unrelayed outbox row(s)"
                            + " written again for the new slot",
                    settings.slotName(), UNDECODABLE, rows);
            return Outcome.SLOT_RECREATED;
        } finally {
            lock(connection, settings, false);
        }
    }

    /**
     * Deletes and re-inserts every outbox row in one transaction, oldest first: the inserts are
     * decoded by the slot that now exists. Rows inserted meanwhile by requests are left alone.
     */
    static int rewritePendingRows(Connection connection, RelaySettings settings) throws SQLException {
        return Transactions.inTransaction(connection, tx -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMPORARY TABLE tenantry_unrelayed_outbox ON COMMIT DROP AS SELECT * FROM "
                        + settings.outboxTable());
                int rows = statement.executeUpdate("DELETE FROM " + settings.outboxTable()
                        + " o USING tenantry_unrelayed_outbox u WHERE o.id = u.id");
                statement.executeUpdate("INSERT INTO " + settings.outboxTable()
                        + " SELECT * FROM tenantry_unrelayed_outbox ORDER BY created_at, id");
                return rows;
            }
        });
    }

    private static void create(Connection connection, RelaySettings settings) throws SQLException {
        try (PreparedStatement create =
                connection.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            create.setString(1, settings.slotName());
            create.execute();
        }
    }

    /** The stored offsets of this relay's slot: the key names its logical server. */
    private static void forgetStoredPosition(Connection connection, RelaySettings settings) throws SQLException {
        execute(
                connection,
                "DELETE FROM " + settings.offsetTable() + " WHERE position(? in convert_from(offset_key, 'UTF8')) > 0",
                serverMarker(settings));
    }

    private static OptionalLong storedLsn(Connection connection, RelaySettings settings) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT offset_value FROM " + settings.offsetTable()
                + " WHERE position(? in convert_from(offset_key, 'UTF8')) > 0")) {
            select.setString(1, serverMarker(settings));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    byte[] value = rows.getBytes(1);
                    OptionalLong lsn = lsn(value);
                    if (lsn.isPresent()) {
                        return lsn;
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    /** Debezium's PostgreSQL offset: {@code {"lsn": <number>, "lsn_commit": ..., ...}}. */
    static OptionalLong lsn(byte[] offsetValue) {
        if (offsetValue == null) {
            return OptionalLong.empty();
        }
        try {
            JsonNode lsn = JSON.readTree(new String(offsetValue, StandardCharsets.UTF_8))
                    .path("lsn");
            return lsn.canConvertToLong() ? OptionalLong.of(lsn.asLong()) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static String serverMarker(RelaySettings settings) {
        return "\"" + settings.topicPrefix() + "\"";
    }

    private record Slot(boolean active, long activePid, boolean lost, long restartLsn) {}

    private static Slot slot(Connection connection, RelaySettings settings) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT active, coalesce(active_pid, 0), wal_status = 'lost' OR restart_lsn IS NULL,
                       coalesce((restart_lsn - '0/0'::pg_lsn)::bigint, 0)
                FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()""")) {
            select.setString(1, settings.slotName());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? new Slot(rows.getBoolean(1), rows.getLong(2), rows.getBoolean(3), rows.getLong(4))
                        : null;
            }
        }
    }

    private static void lock(Connection connection, RelaySettings settings, boolean take) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT " + (take ? "pg_advisory_lock" : "pg_advisory_unlock")
                        + "(hashtext('tenantry-outbox-relay-slot'), hashtext(?))")) {
            statement.setString(1, settings.slotName());
            statement.execute();
        }
    }

    private static void execute(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            statement.execute();
        }
    }
}
