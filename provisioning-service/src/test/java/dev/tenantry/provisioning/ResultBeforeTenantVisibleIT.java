package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.TIMEOUT;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.infra;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.contracts.Topics;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.repository.Transactions;
import dev.tenantry.provisioning.service.TenantSaga;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL decodes a transaction for logical replication as soon as its commit record is
 * flushed, a moment before the transaction becomes visible to other sessions. The relay can
 * therefore put a tenant's TenantRequested on Kafka, and the worker can answer it, before the
 * saga can see the tenant's row. On a loaded machine that moment can last long enough; here it
 * is held open on purpose: a commit that waits for a synchronous standby that does not exist is
 * flushed (and decoded) but stays invisible until the standby requirement is lifted. The worker of
 * this test commits locally, so it answers while the tenant's commit is held.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
@TestProfile(ResultBeforeTenantVisibleIT.NoRelayHeartbeat.class)
class ResultBeforeTenantVisibleIT {

    /**
     * Debezium runs the heartbeat's INSERT on its streaming thread: held, it would stop the relay.
     */
    public static class NoRelayHeartbeat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The result is retried while the tenant's commit is held (seconds): give the retries
            // room even on a busy machine, so the result is not dead-lettered before the release.
            return Map.of("tenantry.provisioning.relay.heartbeat-interval", "1h",
                    "tenantry.provisioning.retry.max-attempts", "60");
        }
    }

    private static final String ABSENT_STANDBY = "tenantry_absent_standby";

    @Inject
    Transactions transactions;
    @Inject
    TenantSaga saga;

    private static ServiceProcess worker;

    @BeforeAll
    static void worker() {
        ServiceProcess.stopSharedWorker();
        worker = ServiceProcess.startWorker("local-commit",
                List.of("quarkus.datasource.jdbc.additional-jdbc-properties.options=-c synchronous_commit=local"));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void aMigrationResultThatArrivesBeforeItsTenantIsVisibleStillActivatesTheTenant() throws Exception {
        // Holding commits open is a server-wide setting: only on servers of this test JVM's own.
        assumeTrue(!"external".equals(infra().provider()), "not on an external server others may be using");
        assumeTrue(queryLong("SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper") == 1,
                "needs a superuser to hold commits open (ALTER SYSTEM)");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Tenant requested = new Tenant(UUID.randomUUID(), TestNames.unique("overtaken"), "Overtaken", null, Map.of(),
                TenantStatus.REQUESTED, null, null, null, null, UUID.randomUUID().toString(), 0, now, now, now);
        String id = requested.idText();
        relayCaughtUp();

        holdCommitsThatWaitForAStandby();
        CompletableFuture<Void> committed;
        try {
            // What POST /tenants does, in a transaction whose commit is flushed but held invisible.
            committed = CompletableFuture.runAsync(() -> {
                try {
                    transactions.inTransaction(tx -> {
                        saga.start(tx, requested, null);
                        return null;
                    });
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Relayed and answered while the registry does not show the tenant yet.
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> queryLong("SELECT count(*) FROM migration_run WHERE tenant_id = ?", id) == 1);
            read(Topics.TENANT_MIGRATION_RESULTS, r -> id.equals(r.key()), got -> !got.isEmpty());
            assertThat(queryLong("SELECT count(*) FROM tenant WHERE id = ?", requested.id()))
                    .as("the tenant's row is committed but not visible yet").isZero();
            Thread.sleep(2_000); // the saga meets the result meanwhile
            assertThat(committed).isNotDone();
        } finally {
            releaseHeldCommits();
        }
        committed.get(30, TimeUnit.SECONDS);

        awaitStatus(id, "ACTIVE");
        assertThat(timeline(id)).containsSubsequence("transition:REQUESTED->PROVISIONING", "migration-result",
                "transition:PROVISIONING->ACTIVE");
        // The rows relayed while invisible could not be deleted then; the cleanup tries them again.
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> queryLong("SELECT count(*) FROM provisioning_outbox WHERE aggregateid = ?", id) == 0);
    }

    /**
     * Start from a relay that has streamed a whole signup: the only batch it handles while commits
     * are held is then the tenant's. (Its own offsets and cleanup commit locally and are not held;
     * Debezium's heartbeat would be, hence the profile.)
     */
    private static void relayCaughtUp() throws Exception {
        awaitStatus(createTenant(TestNames.unique("warmup")), "ACTIVE");
        Thread.sleep(2_000); // longer than the relay's offset flush interval (1 s)
    }

    /**
     * Commits of sessions with {@code synchronous_commit = on} (this service's, the test's) wait
     * for {@value #ABSENT_STANDBY}: flushed and decoded, but not visible to anyone else.
     */
    private static void holdCommitsThatWaitForAStandby() throws Exception {
        alterSystem("ALTER SYSTEM SET synchronous_standby_names = '" + ABSENT_STANDBY + "'");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> ABSENT_STANDBY.equals(show("synchronous_standby_names")));
        Thread.sleep(500); // existing sessions apply the reload before their next command
    }

    private static void releaseHeldCommits() throws Exception {
        alterSystem("ALTER SYSTEM RESET synchronous_standby_names");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> show("synchronous_standby_names").isEmpty());
    }

    private static void alterSystem(String... statements) throws SQLException {
        try (Connection c = infra().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (String statement : statements) {
                s.execute(statement);
            }
            s.execute("SELECT pg_reload_conf()");
        }
    }

    private static String show(String setting) throws SQLException {
        try (Connection c = infra().dataSource().getConnection(); Statement s = c.createStatement();
             var rows = s.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
