package dev.tenantry.support.persistence;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The one way Tenantry runs JDBC transactions: commit when the work returns, roll back when it
 * throws, auto-commit restored either way (so a pooled connection goes back clean), and actions
 * registered with {@link Tx#afterCommit} run only once the commit succeeded (metrics and logs
 * must not count what was rolled back).
 *
 * <p>The bean works on the service's default pool; the static methods serve code that holds its
 * own connection or pool (a session with an advisory lock, a dedicated writer pool).
 */
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

    /** A running transaction: its connection, and what to do after it commits. */
    public static final class Tx {
        private final Connection connection;
        private final List<Runnable> afterCommit = new ArrayList<>();

        private Tx(Connection connection) {
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        private void committed() {
            for (Runnable action : afterCommit) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("After-commit action failed", e);
                }
            }
        }
    }

    /** Runs {@code work} in one transaction on a connection of the default pool. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        return inTransaction(dataSource, work);
    }

    /** Runs {@code work} on an auto-commit connection of the default pool: for reads only. */
    public <T> T read(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(new Tx(connection));
        }
    }

    /** Runs {@code work} in one transaction on a connection borrowed from {@code pool}. */
    public static <T> T inTransaction(DataSource pool, Work<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            return inTransaction(connection, work);
        }
    }

    /** Runs {@code work} in one transaction on the caller's connection, which stays open. */
    public static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        Tx tx = new Tx(connection);
        T result;
        connection.setAutoCommit(false);
        try {
            result = work.run(tx);
            connection.commit();
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        tx.committed();
        return result;
    }
}
