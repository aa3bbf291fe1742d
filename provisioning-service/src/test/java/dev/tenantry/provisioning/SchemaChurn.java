package dev.tenantry.provisioning;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * DDL load like the worker's when it builds spare schemas: threads that each create a schema with
 * a table, then add tables and rows to it in later short transactions. Everything it made is
 * dropped on close.
 */
final class SchemaChurn implements AutoCloseable {

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final DataSource database;
    private final ExecutorService threads;
    private final String prefix =
            "churn" + RUNS.incrementAndGet() + "_" + ThreadLocalRandom.current().nextInt(1_000_000);
    private final AtomicInteger schemas = new AtomicInteger();
    private volatile boolean running = true;

    private SchemaChurn(DataSource database, int threadCount) {
        this.database = database;
        this.threads = Executors.newFixedThreadPool(threadCount);
        for (int i = 0; i < threadCount; i++) {
            threads.submit(this::churn);
        }
    }

    static SchemaChurn start(DataSource database, int threads) {
        return new SchemaChurn(database, threads);
    }

    private Void churn() throws Exception {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            while (running) {
                String schema = prefix + "_" + schemas.incrementAndGet();
                c.setAutoCommit(false);
                s.execute("CREATE SCHEMA " + schema);
                s.execute("CREATE TABLE " + schema + ".h (a int PRIMARY KEY, b text)");
                s.execute("CREATE INDEX ON " + schema + ".h (b)");
                s.execute("SELECT pg_sleep(" + ThreadLocalRandom.current().nextDouble(0.05) + ")");
                c.commit();
                s.execute("CREATE TABLE " + schema + ".t1 (a int PRIMARY KEY, b text)");
                s.execute("INSERT INTO " + schema + ".h VALUES (1, 'x')");
                s.execute("SELECT pg_sleep(" + ThreadLocalRandom.current().nextDouble(0.1) + ")");
                c.commit();
                s.execute("CREATE TABLE " + schema + ".t2 (a int)");
                s.execute("INSERT INTO " + schema + ".h VALUES (2, 'y')");
                c.commit();
                c.setAutoCommit(true);
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        running = false;
        threads.shutdown();
        threads.awaitTermination(1, TimeUnit.MINUTES);
        List<String> made = new ArrayList<>();
        for (int i = 1; i <= schemas.get(); i++) {
            made.add(prefix + "_" + i);
        }
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            for (String schema : made) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
