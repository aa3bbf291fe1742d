package dev.tenantry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo tenant schema's DDL, read from the worker's own migration scripts, run by plain JDBC:
 * the floor a signup or a burst is compared with. The schemas it makes are named
 * {@code bench_floor_*}, which the worker does not take for tenant schemas.
 */
final class DemoSchema {

    private final List<String> scripts;

    private DemoSchema(List<String> scripts) {
        this.scripts = scripts;
    }

    static DemoSchema fromRepository() throws IOException {
        Path root = Path.of(System.getProperty("tenantry.repo.root", "..")).toAbsolutePath().normalize();
        Path folder = root.resolve("migration-worker/src/main/resources/db/tenant");
        List<String> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList()) {
                scripts.add(Files.readString(file));
            }
        }
        if (scripts.isEmpty()) {
            throw new IOException("no tenant migrations under " + folder);
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
             var rows = statement.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_floor\\_%'")) {
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

    private static int version(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
