package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@RealInfrastructure
class PostgresIT {

    @Test
    void walLevelIsLogical(Infrastructure infra) throws SQLException {
        try (Connection c = infra.dataSource().getConnection()) {
            assertEquals("logical", Databases.show(c, "wal_level"));
            assertTrue(Databases.show(c, "server_version").startsWith("17")
                    || !infra.provider().equals("embedded"));
            if (infra.provider().equals("embedded")) {
                assertEquals("on", Databases.show(c, "synchronous_commit"));
                assertEquals("200", Databases.show(c, "max_connections"));
                assertEquals("256", Databases.show(c, "max_locks_per_transaction"));
                assertEquals("20", Databases.show(c, "max_replication_slots"));
            }
        }
    }

    @Test
    void logicalReplicationSlotWithPgoutputCanBeCreated(Infrastructure infra) throws SQLException {
        String table = TestNames.unique("outbox");
        String publication = TestNames.unique("pub");
        String slot = TestNames.unique("slot");
        try (Connection c = infra.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, payload text)");
            s.execute("CREATE PUBLICATION " + publication + " FOR TABLE " + table);
            try (ResultSet rs = s.executeQuery(
                    "SELECT slot_name, lsn FROM pg_create_logical_replication_slot('" + slot + "', 'pgoutput')")) {
                assertTrue(rs.next());
                assertEquals(slot, rs.getString(1));
            }
            s.execute("INSERT INTO " + table + " VALUES (1, 'hello')");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_logical_slot_peek_binary_changes('" + slot
                    + "', NULL, NULL, 'proto_version', '1', 'publication_names', '" + publication + "')")) {
                assertTrue(rs.next());
                assertTrue(rs.getLong(1) >= 3, "begin, insert, commit expected; got " + rs.getLong(1));
            }
            s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
            s.execute("DROP PUBLICATION " + publication);
            s.execute("DROP TABLE " + table);
        }
    }
}
