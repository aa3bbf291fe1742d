package dev.tenantry.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The floor of a fleet upgrade: schemas of the tenants' shape, built and upgraded by plain SQL
 * over one JDBC connection, one transaction per schema with its history row, and nothing else (no
 * lock, no run log, no result event). They are named {@code benchfloor_*}, which the worker does
 * not take for tenants, so its fleet upgrades and drift checks never see them.
 */
final class RawFleet {

    private static final String HISTORY = "flyway_schema_history";

    private final DataSource database;
    private final List<String> schemas;

    private RawFleet(DataSource database, List<String> schemas) {
        this.database = database;
        this.schemas = schemas;
    }

    /** Builds {@code count} schemas by running every script a tenant schema is made of. */
    static RawFleet build(DataSource database, int count, List<Releases.Script> scripts) throws SQLException {
        List<String> schemas = new ArrayList<>();
        RawFleet fleet = new RawFleet(database, schemas);
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                String schema = "benchfloor_" + i;
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                s.execute("CREATE SCHEMA " + schema);
                s.execute("CREATE TABLE " + schema + "." + HISTORY + " (installed_rank integer PRIMARY KEY,"
                        + " version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,"
                        + " script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL,"
                        + " installed_on timestamp NOT NULL DEFAULT now(), execution_time integer NOT NULL,"
                        + " success boolean NOT NULL)");
                c.commit();
                schemas.add(schema);
                for (Releases.Script script : scripts) {
                    fleet.apply(s, schema, script);
                    c.commit();
                }
            }
        }
        return fleet;
    }

    int size() {
        return schemas.size();
    }

    /** Applies one migration to every schema; returns the seconds it took. */
    double upgrade(Releases.Script script) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String schema : schemas) {
                apply(s, schema, script);
                c.commit();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void apply(Statement s, String schema, Releases.Script script) throws SQLException {
        s.execute("SET LOCAL search_path TO " + schema);
        s.execute(script.sql());
        s.execute("INSERT INTO " + HISTORY + " SELECT coalesce(max(installed_rank), 0) + 1, '" + script.version()
                + "', 'raw', 'SQL', '" + script.fileName() + "', 0, current_user, now(), 0, true FROM " + HISTORY);
    }

    void drop() throws SQLException {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            for (String schema : schemas) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
