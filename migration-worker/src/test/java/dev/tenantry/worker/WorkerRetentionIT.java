package dev.tenantry.worker;

import static dev.tenantry.worker.WorkerTestSupport.execute;
import static dev.tenantry.worker.WorkerTestSupport.queryInt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.RolloutCompleted;
import dev.tenantry.worker.service.WorkerRetentionSweeper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The worker's retention sweep against rows written with old timestamps (default retention periods). */
@QuarkusTest
class WorkerRetentionIT {

    @Inject
    WorkerRetentionSweeper sweeper;

    @Inject
    MeterRegistry registry;

    @Test
    void processedEventIdsPastRetentionAreForgottenAndRecentOnesKept() throws Exception {
        String consumer = "retention-it-" + UUID.randomUUID();
        execute("INSERT INTO worker_processed_event (consumer, event_id, processed_at) VALUES "
                + "('" + consumer + "', 'old-1', now() - interval '31 days'), "
                + "('" + consumer + "', 'old-2', now() - interval '400 days'), "
                + "('" + consumer + "', 'recent', now() - interval '29 days')");
        double before = pruned("worker_processed_event");

        sweeper.sweep();

        assertThat(queryInt(
                        "SELECT count(*) FROM worker_processed_event WHERE consumer = ? AND event_id LIKE 'old%'",
                        consumer))
                .isZero();
        assertThat(queryInt(
                        "SELECT count(*) FROM worker_processed_event WHERE consumer = ? AND event_id = 'recent'",
                        consumer))
                .isEqualTo(1);
        assertThat(pruned("worker_processed_event") - before).isGreaterThanOrEqualTo(2);
    }

    @Test
    void oldRunsArePrunedButTheLatestRunOfEverySchemaAndTenantStays() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String busy = "tenant_retbusy" + id;
        String quiet = "tenant_retquiet" + id;
        String reused = "tenant_retreused" + id;
        run("busy-" + id, busy, "new", 100);
        run("busy-" + id, busy, "upgrade", 95);
        run("busy-" + id, busy, "upgrade", 1);
        run("quiet-" + id, quiet, "new", 100);
        run("quiet-" + id, quiet, "upgrade", 99);
        // A slug used again: the first tenant's last run is no longer its schema's latest, but it is
        // still that tenant's latest, so its run history keeps it.
        run("first-" + id, reused, "new", 200);
        run("first-" + id, reused, "deletion", 150);
        run("second-" + id, reused, "new", 120);
        double before = pruned("migration_run");

        sweeper.sweep();

        assertThat(kinds(busy, "busy-" + id)).isEqualTo(1);
        assertThat(queryInt(
                        "SELECT count(*) FROM migration_run WHERE schema_name = ? AND finished_at > now() - "
                                + "interval '2 days'",
                        busy))
                .isEqualTo(1);
        assertThat(kinds(quiet, "quiet-" + id)).isEqualTo(1);
        assertThat(queryInt("SELECT count(*) FROM migration_run WHERE schema_name = ? AND kind = 'upgrade'", quiet))
                .isEqualTo(1);
        assertThat(kinds(reused, "first-" + id)).isEqualTo(1);
        assertThat(queryInt(
                        "SELECT count(*) FROM migration_run WHERE tenant_id = ? AND kind = 'deletion'", "first-" + id))
                .isEqualTo(1);
        assertThat(kinds(reused, "second-" + id)).isEqualTo(1);
        assertThat(pruned("migration_run") - before).isGreaterThanOrEqualTo(4);
        // What drift reads is untouched.
        assertThat(queryInt(
                        "SELECT count(*) FROM migration_run_latest WHERE schema_name IN (?, ?, ?)",
                        busy,
                        quiet,
                        reused))
                .isEqualTo(3);
    }

    @Test
    void rolloutsThatEndedLongAgoGoWithTheirTenantsAndPublishedEventsWhileOpenAndRecentOnesStay() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        rollout("old-done-" + id, "completed", 91);
        rollout("old-aborted-" + id, "aborted", 200);
        rollout("recent-" + id, "completed", 10);
        // Open for long, never ended: kept whatever its age (its version is unique to this test).
        rollout("old-halted-" + id, "halted", null);
        event("published-" + id, "old-done-" + id, 91);
        event("recent-event-" + id, "recent-" + id, 10);
        event("unsent-" + id, "old-done-" + id, null);
        double before = pruned("tenant_rollout");

        sweeper.sweep();

        assertThat(ids("SELECT id FROM tenant_rollout WHERE id LIKE ?", id))
                .containsExactlyInAnyOrder("recent-" + id, "old-halted-" + id);
        assertThat(ids("SELECT DISTINCT rollout_id FROM tenant_rollout_target WHERE rollout_id LIKE ?", id))
                .containsExactlyInAnyOrder("recent-" + id, "old-halted-" + id);
        assertThat(ids("SELECT DISTINCT rollout_id FROM tenant_rollout_stage WHERE rollout_id LIKE ?", id))
                .containsExactlyInAnyOrder("recent-" + id, "old-halted-" + id);
        assertThat(ids("SELECT event_id FROM tenant_rollout_event WHERE event_id LIKE ?", id))
                .containsExactlyInAnyOrder("recent-event-" + id, "unsent-" + id);
        assertThat(pruned("tenant_rollout") - before).isGreaterThanOrEqualTo(2);
        execute("DELETE FROM tenant_rollout WHERE id = 'old-halted-" + id + "'");
    }

    private static void rollout(String rolloutId, String state, Integer endedDaysAgo) throws Exception {
        String ended = endedDaysAgo == null ? "NULL" : "now() - interval '" + endedDaysAgo + " days'";
        execute(
                "INSERT INTO tenant_rollout (id, target_version, state, requested_by, created_at, finished_at) VALUES ('"
                        + rolloutId + "', 'retention-" + rolloutId + "', '" + state
                        + "', 'test', now() - interval '300 days', "
                        + ended + ")");
        execute("INSERT INTO tenant_rollout_stage (rollout_id, position, name, parallelism, max_failures) VALUES ('"
                + rolloutId + "', 0, 'all', 1, 0)");
        execute("INSERT INTO tenant_rollout_target (rollout_id, schema_name, tenant_id, stage, state) VALUES ('"
                + rolloutId + "', 'tenant_x', 'x', 0, 'done')");
    }

    private static void event(String eventId, String rolloutId, Integer publishedDaysAgo) throws Exception {
        String published = publishedDaysAgo == null ? "NULL" : "now() - interval '" + publishedDaysAgo + " days'";
        // A real event: an unpublished one is sent by the running worker, and one it could not
        // read would hold back every rollout event queued behind it.
        String cloudEvent = CloudEventCodec.shared()
                .toStructuredJson(EventEnvelope.create(
                                URI.create("urn:tenantry:worker-tests"), new RolloutCompleted(rolloutId, "3", 1, 0, 0))
                        .withId(eventId));
        WorkerTestSupport.update(
                "INSERT INTO tenant_rollout_event (event_id, rollout_id, cloud_event, published_at) VALUES (?, ?, ?, "
                        + published + ")",
                eventId,
                rolloutId,
                cloudEvent);
    }

    private static List<String> ids(String sql, String suffix) throws Exception {
        return WorkerTestSupport.queryStrings(sql, "%" + suffix);
    }

    private static int kinds(String schema, String tenant) throws Exception {
        return queryInt("SELECT count(*) FROM migration_run WHERE schema_name = ? AND tenant_id = ?", schema, tenant);
    }

    private static void run(String tenant, String schema, String kind, int daysAgo) throws Exception {
        execute("INSERT INTO migration_run (tenant_id, schema_name, request_id, kind, status, started_at, finished_at, "
                + "duration_ms) VALUES ('" + tenant + "', '" + schema + "', '" + UUID.randomUUID() + "', '" + kind
                + "', 'succeeded', now() - interval '" + daysAgo + " days', now() - interval '" + daysAgo
                + " days', 5)");
    }

    private double pruned(String table) {
        var counter =
                registry.find("tenantry.retention.pruned").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }
}
