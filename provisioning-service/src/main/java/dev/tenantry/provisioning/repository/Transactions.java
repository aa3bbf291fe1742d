package dev.tenantry.provisioning.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/** Plain JDBC transactions on the service's pool, with actions that run only once a commit succeeded. */
@ApplicationScoped
public class Transactions {

    private static final Logger LOG = Logger.getLogger(Transactions.class);

    private final AgroalDataSource dataSource;

    public Transactions(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Work done on one connection inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** A running transaction: its connection, and what to do after it commits (metrics, logs). */
    public static final class Tx {
        private final Connection connection;
        private final List<Runnable> afterCommit = new ArrayList<>();

        Tx(Connection connection) {
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }
    }

    public <T> T inTransaction(Work<T> work) throws SQLException {
        Tx tx;
        T result;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            tx = new Tx(connection);
            try {
                result = work.run(tx);
                connection.commit();
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
        for (Runnable action : tx.afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("After-commit action failed", e);
            }
        }
        return result;
    }

    /** Reads on an auto-commit connection. */
    public <T> T read(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(new Tx(connection));
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
