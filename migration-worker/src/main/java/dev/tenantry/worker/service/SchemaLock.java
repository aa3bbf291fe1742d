package dev.tenantry.worker.service;

import dev.tenantry.contracts.tenant.TenantSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * A PostgreSQL session advisory lock per tenant schema, held on its own connection for the whole
 * of a migration: two workers (or two threads) never work on the same schema at once. The second
 * one waits, then finds the work done. Locks die with the session, so a crashed worker never
 * leaves a schema locked.
 */
public final class SchemaLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SchemaLock.class);
    /** First key of the two-int advisory lock space, so Tenantry's locks never collide with others'. */
    static final int NAMESPACE = 0x7e4a_0001;

    private final Connection connection;
    private final TenantSchema schema;

    private SchemaLock(Connection connection, TenantSchema schema) {
        this.connection = connection;
        this.schema = schema;
    }

    public static SchemaLock acquire(DataSource dataSource, TenantSchema schema) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?, hashtext(?))")) {
                lock.setInt(1, NAMESPACE);
                lock.setString(2, schema.name());
                lock.execute();
            }
            return new SchemaLock(connection, schema);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Takes the same lock for the current transaction only: for work done in one transaction on
     * one connection (the direct path, taking a spare), released by its commit or rollback.
     */
    static void lockForTransaction(Connection connection, TenantSchema schema) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, NAMESPACE);
            lock.setString(2, schema.name());
            lock.execute();
        }
    }

    @Override
    public void close() {
        try (connection) {
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
                unlock.setInt(1, NAMESPACE);
                unlock.setString(2, schema.name());
                unlock.execute();
            }
        } catch (SQLException e) {
            // The lock is session-scoped: if the connection is gone, so is the lock.
            LOG.debugf(
                    "Releasing the lock of %s failed (%s); it ended with its session", schema.name(), e.getMessage());
        }
    }
}
