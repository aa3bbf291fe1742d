package dev.tenantry.testinfra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Database-level SQL used by the providers. */
final class Databases {

    private Databases() {}

    static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void createIfMissing(Connection c, String name) throws SQLException {
        requireSimpleIdentifier(name);
        if (!exists(c, name)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
        }
    }

    /**
     * Drops a database that tests may have left busy: ends its sessions (walsenders included),
     * drops its replication slots, then the database.
     */
    static void dropForcibly(Connection c, String name) throws SQLException {
        requireSimpleIdentifier(name);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, name);
            ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = ? AND NOT active")) {
            ps.setString(1, name);
            ps.executeQuery().close();
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    static String show(Connection c, String setting) throws SQLException {
        requireSimpleIdentifier(setting);
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + setting)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void requireSimpleIdentifier(String name) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a simple lower-case identifier: " + name);
        }
    }
}
