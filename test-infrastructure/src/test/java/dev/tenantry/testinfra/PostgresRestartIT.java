package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@RealInfrastructure
class PostgresRestartIT {

    @Test
    void stopAndStartKeepDataAndUrl(Infrastructure infra) throws SQLException {
        assumeTrue(infra.canRestartPostgres(), "provider " + infra.provider() + " cannot restart PostgreSQL");
        String table = TestNames.unique("restart");
        String url = infra.jdbcUrl();
        try (Connection c = infra.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (v text)");
            s.execute("INSERT INTO " + table + " VALUES ('kept')");
        }

        long stopBegin = System.nanoTime();
        infra.stopPostgres();
        long stopped = System.nanoTime();
        if (infra.provider().equals("embedded")) {
            assertThrows(
                    SQLException.class, () -> infra.dataSource().getConnection().close());
        }
        infra.startPostgres();
        long started = System.nanoTime();
        System.out.printf(
                "PostgreSQL stop %.2f s, start %.2f s%n", (stopped - stopBegin) / 1e9, (started - stopped) / 1e9);

        assertEquals(url, infra.jdbcUrl());
        try (Connection c = infra.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM " + table)) {
            rs.next();
            assertEquals("kept", rs.getString(1));
            s.execute("DROP TABLE " + table);
        }
        infra.startPostgres(); // running already: nothing happens
    }
}
