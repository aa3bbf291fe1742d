package dev.tenantry.support.persistence;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One transaction on a plain JDBC connection: commit when the work returns, roll back when it
 * throws, auto-commit restored either way, so a pooled connection goes back clean.
 */
public final class JdbcTransaction {

    /** Work done inside the transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private JdbcTransaction() {}

    public static <T> T run(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
