package dev.tenantry.worker.bench;

import static dev.tenantry.worker.WorkerTestSupport.awaitResult;
import static dev.tenantry.worker.WorkerTestSupport.infra;
import static dev.tenantry.worker.WorkerTestSupport.send;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.worker.NextReleaseProfile;
import dev.tenantry.worker.WorkerTestSupport.TestTenant;
import dev.tenantry.worker.model.DriftReport;
import dev.tenantry.worker.model.FleetProgress;
import dev.tenantry.worker.service.DriftService;
import dev.tenantry.worker.service.FleetUpgradeService;
import dev.tenantry.worker.service.TenantMigrationService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Worker figures, printed, never asserted. Not part of {@code mvn verify} (failsafe runs *IT only):
 * <pre>mvn -B verify -pl migration-worker -Dit.test=WorkerBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Sizes can be lowered with -Dbench.fleet=200 -Dbench.drift=2000.
 */
@QuarkusTest
@TestProfile(NextReleaseProfile.class)
class WorkerBenchmark {

    private static final String RELEASE = """
            ALTER TABLE customers ADD COLUMN loyalty_points integer NOT NULL DEFAULT 0;
            CREATE INDEX customers_loyalty_idx ON customers (loyalty_points);
            """;

    @Inject
    TenantMigrationService service;
    @Inject
    FleetUpgradeService fleet;
    @Inject
    DriftService drift;

    @Test
    void printFigures() throws Exception {
        int fleetSize = Integer.getInteger("bench.fleet", 1000);
        int driftSize = Integer.getInteger("bench.drift", 10_000);
        StringBuilder out = new StringBuilder("\n=== migration-worker benchmark (" + infra().provider() + ") ===\n");

        newTenantLatency(out);
        List<TestTenant> fleetTenants = createTenants("bfleet", fleetSize);
        List<TestTenant> rawTenants = createTenants("braw", fleetSize);
        Files.writeString(NextReleaseProfile.RELEASE_DIR.resolve("V4__loyalty_points.sql"), RELEASE);

        long rawMs = rawUpgrade(rawTenants);
        long fleetMs = fleetUpgrade(fleetTenants);
        out.append(String.format("fleet upgrade of %d tenants by one migration: worker %d ms, raw JDBC (1 connection) %d ms, ratio %.2f%n",
                fleetSize, fleetMs, rawMs, (double) fleetMs / rawMs));

        int existing = 2 * fleetSize + 60;
        createHistoryOnlySchemas(Math.max(0, driftSize - existing));
        long[] verify = new long[3];
        DriftReport report = null;
        for (int i = 0; i < verify.length; i++) {
            long start = System.nanoTime();
            report = drift.verify(false);
            verify[i] = (System.nanoTime() - start) / 1_000_000;
        }
        out.append(String.format("drift verify over %d tenant schemas: %s ms (3 runs), %d behind%n",
                report.totalTenants(), Arrays.toString(verify), report.behind().size()));
        System.out.println(out);
    }

    private void newTenantLatency(StringBuilder out) throws Exception {
        long[] direct = new long[30];
        for (int i = 0; i < direct.length; i++) {
            EventEnvelope<TenantryEvent> request = cast(TestTenant.fresh("blat").requested());
            long start = System.nanoTime();
            service.handle(request);
            direct[i] = (System.nanoTime() - start) / 1_000_000;
        }
        long[] viaKafka = new long[30];
        for (int i = 0; i < viaKafka.length; i++) {
            var request = TestTenant.fresh("bkaf").requested();
            long start = System.nanoTime();
            send(request);
            awaitResult(request);
            viaKafka[i] = (System.nanoTime() - start) / 1_000_000;
        }
        long[] raw = rawNewTenants(30);
        out.append("new demo tenant, in the worker (schema + 3 migrations + run log + result): ")
                .append(percentiles(direct)).append('\n');
        out.append("new demo tenant, raw JDBC baseline (CREATE SCHEMA + the 3 scripts, one connection): ")
                .append(percentiles(raw)).append('\n');
        out.append("new demo tenant, request on Kafka -> result on Kafka: ").append(percentiles(viaKafka)).append('\n');
    }

    /** The least any tool could do: the demo scripts executed as they are, one transaction each. */
    private static long[] rawNewTenants(int count) throws Exception {
        List<String> scripts = new ArrayList<>();
        for (String name : List.of("V1__customers_and_contacts.sql", "V2__suppliers_carriers_plants.sql",
                "V3__invoices.sql")) {
            try (var in = WorkerBenchmark.class.getClassLoader().getResourceAsStream("db/tenant/" + name)) {
                scripts.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        long[] millis = new long[count];
        for (int i = 0; i < count; i++) {
            String schema = TestTenant.fresh("bnew").schema();
            long start = System.nanoTime();
            try (Connection c = infra().dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
                c.setAutoCommit(false);
                for (String script : scripts) {
                    s.execute("SET LOCAL search_path TO " + schema);
                    s.execute(script);
                    c.commit();
                }
            }
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            // Gone again, so the fleet upgrade and drift figures below see only worker-made tenants.
            try (Connection c = infra().dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        return millis;
    }

    private List<TestTenant> createTenants(String prefix, int count) throws Exception {
        List<TestTenant> tenants = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TestTenant tenant = TestTenant.fresh(prefix);
                tenants.add(tenant);
                done.add(pool.submit(() -> {
                    service.handle(cast(tenant.requested()));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return tenants;
    }

    private long rawUpgrade(List<TestTenant> tenants) throws Exception {
        long start = System.nanoTime();
        try (Connection c = infra().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (TestTenant tenant : tenants) {
                s.execute("SET LOCAL search_path TO " + tenant.schema());
                s.execute(RELEASE);
                s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                        + " checksum, installed_by, execution_time, success) VALUES (4, '4', 'loyalty points', 'SQL',"
                        + " 'V4__loyalty_points.sql', 0, current_user, 0, true)");
                c.commit();
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private long fleetUpgrade(List<TestTenant> tenants) throws Exception {
        List<DriftReport.Behind> behind = tenants.stream()
                .map(t -> new DriftReport.Behind(t.tenantId(), t.schema(), "3", "4", List.of("4"))).toList();
        DriftReport report = new DriftReport(Instant.now(), "4", tenants.size(), 0, behind, List.of(), List.of(), List.of(),
                List.of(), null, 0);
        long start = System.nanoTime();
        FleetProgress progress = fleet.start(report);
        while (!FleetProgress.FINISHED.equals(progress.state())) {
            Thread.sleep(5);
            progress = fleet.progress().orElseThrow();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (progress.failed() > 0) {
            throw new IllegalStateException("fleet upgrade failures: " + progress.failures());
        }
        return ms;
    }

    /**
     * Schemas with only a history table (at the latest version, 4): verification reads history and
     * catalogs, never tenant tables, so this measures it at fleet scale without 10,000 full tenants.
     */
    private void createHistoryOnlySchemas(int count) throws Exception {
        try (Connection c = infra().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                String schema = "tenant_bdrift_" + i;
                s.addBatch("CREATE SCHEMA " + schema);
                s.addBatch("CREATE TABLE " + schema + ".flyway_schema_history (installed_rank int PRIMARY KEY,"
                        + " version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,"
                        + " script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,"
                        + " installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL,"
                        + " success boolean NOT NULL)");
                // Tracked like every schema the worker migrates: trigger on the history table, row in the index.
                s.addBatch("CREATE TRIGGER tenantry_track_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                        + schema + ".flyway_schema_history FOR EACH STATEMENT"
                        + " EXECUTE FUNCTION public.tenantry_track_schema_version()");
                s.addBatch("INSERT INTO " + schema + ".flyway_schema_history VALUES (1, '1', 'a', 'SQL', 'V1', 0, 'x', now(), 1, true),"
                        + " (2, '2', 'b', 'SQL', 'V2', 0, 'x', now(), 1, true), (3, '3', 'c', 'SQL', 'V3', 0, 'x', now(), 1, true),"
                        + " (4, '4', 'd', 'SQL', 'V4', 0, 'x', now(), 1, true)");
                if (i % 200 == 199) {
                    s.executeBatch();
                    c.commit();
                }
            }
            s.executeBatch();
            c.commit();
        }
    }

    private static String percentiles(long[] millis) {
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        return String.format("p50 %d ms, p95 %d ms, max %d ms (n=%d)", sorted[sorted.length / 2],
                sorted[(int) Math.ceil(sorted.length * 0.95) - 1], sorted[sorted.length - 1], sorted.length);
    }

    @SuppressWarnings("unchecked")
    private static EventEnvelope<TenantryEvent> cast(EventEnvelope<? extends TenantryEvent> envelope) {
        return (EventEnvelope<TenantryEvent>) envelope;
    }
}
