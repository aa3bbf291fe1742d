package dev.tenantry.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The tenant schema's DDL (the worker's own migration scripts and this run's releases), run by
 * plain JDBC: the floor a signup or a burst is compared with. The schemas it makes are named
 * {@code bench_floor_*}, which the worker does not take for tenant schemas.
 */
final class DemoSchema {

    private final List<String> scripts;

    private DemoSchema(List<String> scripts) {
        this.scripts = scripts;
    }

    /**
     * Every migration a new tenant gets right now: the demo scripts and the releases the fleet
     * scenarios have added in this run, so a floor builds the same schema the worker does.
     */
    static DemoSchema current(BenchContext context) throws IOException {
        List<String> scripts = new Releases(context)
                .allScripts().stream().map(Releases.Script::sql).toList();
        if (scripts.isEmpty()) {
            throw new IOException("no tenant migrations found");
        }
        return new DemoSchema(scripts);
    }

    /** Creates {@code schema} with every demo table in one transaction on {@code connection}. */
    void create(Connection connection, String schema) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
            statement.execute("SET LOCAL search_path TO " + schema);
            for (String script : scripts) {
                statement.execute(script);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Drops every schema a floor made, so that the next repetition meets the same catalog size. */
    static void dropFloorSchemas(Connection connection) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery(
                        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_floor\\_%'")) {
            while (rows.next()) {
                schemas.add(rows.getString(1));
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String schema : schemas) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
