package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The fleet of tenant schemas as the worker sees it: every schema named {@code tenant_*}, whether
 * or not the provisioning registry has a tenant for it. Real tenants are signed up through the
 * provisioning API; large fleets are grown cheaply with history-only schemas.
 */
final class TenantFleet {

    private static final String HISTORY = "flyway_schema_history";
    /** Signups in flight at once: a handful of clients, as a busy sign-up page would send. */
    private static final int SIGNUP_CLIENTS = 10;

    private static final Duration SIGNUP_PATIENCE = Duration.ofMinutes(5);
    private static final int BATCH = 200;

    private final BenchContext context;
    private final DataSource database;

    TenantFleet(BenchContext context) {
        this.context = context;
        this.database = context.system().dataSource();
    }

    /** Schemas the worker counts as tenants. */
    int tenantSchemas() throws SQLException {
        return count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'");
    }

    /** Tenant schemas without the demo's customers table (history-only ones, or foreign schemas). */
    int schemasWithoutDemoTables() throws SQLException {
        return count("SELECT count(*) FROM pg_namespace n WHERE n.nspname LIKE 'tenant\\_%' AND NOT EXISTS"
                + " (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'customers')");
    }

    int activeTenants() throws SQLException {
        return count("SELECT count(*) FROM tenant WHERE status = 'ACTIVE'");
    }

    /** Signs up tenants through the provisioning API, each client waiting for its tenant, until {@code wanted} are ACTIVE. */
    void ensureActiveTenants(int wanted) throws Exception {
        int missing = wanted - activeTenants();
        if (missing <= 0) {
            return;
        }
        AtomicInteger left = new AtomicInteger(missing);
        ExecutorService clients = Executors.newFixedThreadPool(SIGNUP_CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < SIGNUP_CLIENTS; i++) {
                done.add(clients.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        signUp();
                    }
                    return null;
                }));
            }
            for (Future<?> client : done) {
                client.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private void signUp() throws Exception {
        // Slugs allow no hyphen; the context's unique names have them.
        String slug = context.slug("fleet").replace('-', '_');
        String provisioning = context.system().provisioningUrl();
        JsonNode tenant = context.client()
                .postOk(provisioning + "/tenants", Map.of("slug", slug, "displayName", "Fleet benchmark " + slug));
        String id = tenant.get("id").asText();
        long deadline = System.nanoTime() + SIGNUP_PATIENCE.toNanos();
        String status = tenant.get("status").asText();
        while (!"ACTIVE".equals(status)) {
            if (System.nanoTime() > deadline
                    || List.of("FAILED", "ROLLED_BACK", "COMPENSATING").contains(status)) {
                throw new IllegalStateException("tenant " + slug + " is " + status + ", not ACTIVE");
            }
            Thread.sleep(100);
            status = context.client()
                    .get(provisioning + "/tenants/" + id)
                    .get("status")
                    .asText();
        }
    }

    /**
     * Seconds until the provisioning registry shows every ACTIVE tenant at {@code version}: the
     * worker's results of a fleet upgrade reach it through Kafka after the upgrade has finished.
     */
    double awaitRegistryAt(int version, Duration patience) throws Exception {
        long start = System.nanoTime();
        long deadline = start + patience.toNanos();
        while (count("SELECT count(*) FROM tenant WHERE status = 'ACTIVE' AND current_version IS DISTINCT FROM '"
                        + version + "'")
                > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the registry still has tenants below version " + version + " after " + patience);
            }
            Thread.sleep(200);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Waits (at most a minute, then carries on) until the worker's spare pool holds only spares of
     * {@code version} and has stopped growing. A new release makes the pool drop its spares and
     * build new ones in the background, full tenant schemas' worth of CPU that would otherwise land
     * inside whichever measurement comes next. Returns the seconds waited.
     */
    double awaitSparesAt(int version) throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(1).toNanos();
        int lastReady = -1;
        int stablePolls = 0;
        while (System.nanoTime() < deadline && stablePolls < 3) {
            Thread.sleep(1000);
            int stale = count("SELECT count(*) FROM tenant_spare_schema WHERE version <> '" + version + "'");
            int ready = count("SELECT count(*) FROM tenant_spare_schema WHERE version = '" + version + "'");
            stablePolls = stale == 0 && ready > 0 && ready == lastReady ? stablePolls + 1 : 0;
            lastReady = ready;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Adds schemas {@code tenant_<prefix>_<n>} until the fleet counts {@code size} tenant schemas,
     * and returns their names. Each holds only Flyway's history table, at versions 1..{@code version},
     * with the worker's tracking trigger, so the version index knows it as the worker's own
     * migrations leave it. Drift verification reads catalogs and that index, never tenant tables, so
     * these cost the same to verify as full tenants; a fleet upgrade applies to them any migration
     * that does not need the demo tables. They have no registry row: the worker finds tenants by
     * schema name, and the provisioning service ignores results whose tenant id (here the schema's
     * suffix) is not a UUID.
     */
    List<String> growWithHistoryOnly(String prefix, int size, int version) throws SQLException {
        int missing = size - tenantSchemas();
        int next = count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_" + prefix + "\\_%'");
        List<String> made = new ArrayList<>();
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < missing; i++) {
                String schema = "tenant_" + prefix + "_" + (next + i);
                s.addBatch("CREATE SCHEMA " + schema);
                s.addBatch("CREATE TABLE " + schema + "." + HISTORY + " (installed_rank integer PRIMARY KEY,"
                        + " version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,"
                        + " script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL,"
                        + " installed_on timestamp NOT NULL DEFAULT now(), execution_time integer NOT NULL,"
                        + " success boolean NOT NULL)");
                s.addBatch("CREATE TRIGGER tenantry_track_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                        + schema + "." + HISTORY
                        + " FOR EACH STATEMENT EXECUTE FUNCTION public.tenantry_track_schema_version()");
                s.addBatch("INSERT INTO " + schema + "." + HISTORY + " SELECT v, v::text, 'history only', 'SQL',"
                        + " 'V' || v || '__history_only.sql', 0, current_user, now(), 0, true"
                        + " FROM generate_series(1, " + version + ") AS v");
                made.add(schema);
                if (made.size() % BATCH == 0) {
                    s.executeBatch();
                    c.commit();
                }
            }
            s.executeBatch();
            c.commit();
        }
        return made;
    }

    /** Drops schemas this benchmark made, and their rows in the worker's version index. */
    void drop(List<String> schemas) throws SQLException {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < schemas.size(); i++) {
                s.addBatch("DROP SCHEMA " + schemas.get(i) + " CASCADE");
                s.addBatch("DELETE FROM tenant_schema_version WHERE schema_name = '" + schemas.get(i) + "'");
                if (i % BATCH == BATCH - 1) {
                    s.executeBatch();
                    c.commit();
                }
            }
            s.executeBatch();
            c.commit();
        }
    }

    /** A history row taken out of a schema, to be put back. */
    record HeldRow(String schema, int rank, String version, String script) {}

    /**
     * Puts each schema one version behind by deleting its last history row: what a schema looks
     * like whose latest migration never ran. The trigger updates the version index as it would.
     */
    List<HeldRow> holdBack(List<String> schemas) throws SQLException {
        List<HeldRow> held = new ArrayList<>();
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String schema : schemas) {
                try (ResultSet row = s.executeQuery("DELETE FROM " + schema + "." + HISTORY
                        + " WHERE installed_rank = (SELECT max(installed_rank) FROM " + schema + "." + HISTORY + ")"
                        + " RETURNING installed_rank, version, script")) {
                    if (!row.next()) {
                        throw new IllegalStateException(schema + " has no history to hold back");
                    }
                    held.add(new HeldRow(schema, row.getInt(1), row.getString(2), row.getString(3)));
                }
            }
            c.commit();
        }
        return held;
    }

    void restore(List<HeldRow> held) throws SQLException {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (HeldRow row : held) {
                s.addBatch(
                        "INSERT INTO " + row.schema() + "." + HISTORY + " VALUES (" + row.rank() + ", '" + row.version()
                                + "', 'history only', 'SQL', '" + row.script() + "', 0, current_user, now(), 0, true)");
            }
            s.executeBatch();
            c.commit();
        }
    }

    private int count(String sql) throws SQLException {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
