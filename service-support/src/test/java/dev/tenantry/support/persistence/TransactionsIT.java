package dev.tenantry.support.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.testinfra.TenantryInfrastructure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one transaction helper, against the real PostgreSQL the tests start. */
class TransactionsIT {

    private final DataSource database = TenantryInfrastructure.get().dataSource();

    @BeforeEach
    void emptyTable() throws SQLException {
        try (Connection connection = database.getConnection();
                Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS transactions_it (id int PRIMARY KEY)");
            ddl.execute("TRUNCATE transactions_it");
        }
    }

    @Test
    void committedWorkIsVisibleAndItsAfterCommitActionsRunOnceCommitted() throws SQLException {
        List<String> actions = new ArrayList<>();
        int result = Transactions.inTransaction(database, tx -> {
            insert(tx.connection(), 1);
            tx.afterCommit(() -> actions.add("counted while " + rows() + " row(s) are visible"));
            assertThat(actions).as("nothing runs before the commit").isEmpty();
            return 7;
        });
        assertThat(result).isEqualTo(7);
        assertThat(actions).containsExactly("counted while 1 row(s) are visible");
    }

    @Test
    void workThatThrowsIsRolledBackAndItsAfterCommitActionsNeverRun() throws SQLException {
        List<String> actions = new ArrayList<>();
        assertThatThrownBy(() -> Transactions.inTransaction(database, tx -> {
                    insert(tx.connection(), 1);
                    tx.afterCommit(() -> actions.add("must not run"));
                    insert(tx.connection(), 1); // duplicate key
                    return null;
                }))
                .isInstanceOf(SQLException.class);
        assertThat(rows()).isZero();
        assertThat(actions).isEmpty();
    }

    @Test
    void theCallersConnectionStaysOpenAndGoesBackToAutoCommit() throws SQLException {
        try (Connection connection = database.getConnection()) {
            assertThatThrownBy(() -> Transactions.inTransaction(connection, tx -> {
                        insert(tx.connection(), 1);
                        throw new IllegalStateException("boom");
                    }))
                    .hasMessage("boom");
            assertThat(connection.getAutoCommit()).isTrue();
            Transactions.inTransaction(connection, tx -> insert(tx.connection(), 2));
            assertThat(connection.isClosed()).isFalse();
            assertThat(connection.getAutoCommit()).isTrue();
        }
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void anAfterCommitActionThatFailsDoesNotUndoTheCommitOrStopTheOthers() throws SQLException {
        List<String> actions = new ArrayList<>();
        Transactions.inTransaction(database, tx -> {
            insert(tx.connection(), 1);
            tx.afterCommit(() -> {
                throw new IllegalStateException("metrics away");
            });
            tx.afterCommit(() -> actions.add("logged"));
            return null;
        });
        assertThat(rows()).isEqualTo(1);
        assertThat(actions).containsExactly("logged");
    }

    private static int insert(Connection connection, int id) throws SQLException {
        try (Statement insert = connection.createStatement()) {
            return insert.executeUpdate("INSERT INTO transactions_it VALUES (" + id + ")");
        }
    }

    private int rows() {
        try (Connection connection = database.getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT count(*) FROM transactions_it")) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
