package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.execute;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.provisioning.model.NewTenant;
import dev.tenantry.provisioning.service.ProvisioningRetentionSweeper;
import dev.tenantry.provisioning.service.TenantRequests;
import dev.tenantry.testinfra.TenantryTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The retention sweep with its default periods, against rows written with old timestamps: what is
 * past retention goes, what is recent or what a tenant's current state rests on stays.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class ProvisioningRetentionIT {

    @Inject
    ProvisioningRetentionSweeper sweeper;

    @Inject
    TenantRequests requests;

    @Inject
    MeterRegistry registry;

    @Test
    void processedEventIdsPastRetentionAreForgottenAndRecentOnesKept() throws Exception {
        String consumer = "retention-it-" + UUID.randomUUID();
        execute(
                "INSERT INTO provisioning_processed_event (consumer, event_id, processed_at) VALUES "
                        + "(?, 'old', now() - interval '31 days'), (?, 'recent', now() - interval '29 days')",
                consumer,
                consumer);
        double before = pruned("provisioning_processed_event");

        sweeper.sweep();

        assertThat(queryLong(
                        "SELECT count(*) FROM provisioning_processed_event WHERE consumer = ? AND event_id = "
                                + "'old'",
                        consumer))
                .isZero();
        assertThat(queryLong(
                        "SELECT count(*) FROM provisioning_processed_event WHERE consumer = ? AND event_id = "
                                + "'recent'",
                        consumer))
                .isEqualTo(1);
        assertThat(pruned("provisioning_processed_event") - before).isGreaterThanOrEqualTo(1);
    }

    @Test
    void clientKeysGoAfterTwoDaysButCommandIdsOnlyAfterTheProcessedEventRetention() throws Exception {
        String id = UUID.randomUUID().toString();
        key("client-old-" + id, false, "49 hours");
        key("client-recent-" + id, false, "47 hours");
        key("command-recent-" + id, true, "49 hours");
        key("command-old-" + id, true, "31 days");

        sweeper.sweep();

        assertThat(keys(id)).containsExactlyInAnyOrder("client-recent-" + id, "command-recent-" + id);
    }

    @Test
    void aCommandIdIsRecordedAsOneSoItIsKeptLongerThanAClientKey() throws Exception {
        String commandId = "retention-cmd-" + UUID.randomUUID();
        String slug = "ret" + UUID.randomUUID().toString().substring(0, 8);
        CreateTenant command = new CreateTenant(commandId, slug, "Retention", null, Map.of());
        requests.create(
                new NewTenant(slug, "Retention", null, Map.of()),
                commandId,
                EventEnvelope.create(ProvisioningTestSupport.TEST_SOURCE, command));
        String clientKey = "retention-rest-" + UUID.randomUUID();
        String restSlug = "ret" + UUID.randomUUID().toString().substring(0, 8);
        requests.create(new NewTenant(restSlug, "Retention", null, Map.of()), clientKey, null);
        execute(
                "UPDATE provisioning_idempotency_key SET created_at = now() - interval '3 days' "
                        + "WHERE idempotency_key IN (?, ?)",
                commandId,
                clientKey);

        sweeper.sweep();

        assertThat(queryLong("SELECT count(*) FROM provisioning_idempotency_key WHERE idempotency_key = ?", commandId))
                .isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM provisioning_idempotency_key WHERE idempotency_key = ?", clientKey))
                .isZero();
    }

    @Test
    void oldTimelineEntriesGoButNeverTheTransitionIntoTheCurrentStatusOrWhatFollowedIt() throws Exception {
        UUID settled = tenant("ACTIVE");
        entry(settled, "transition", null, "REQUESTED", "200 days");
        entry(settled, "request-sent", null, null, "199 days");
        entry(settled, "transition", "PROVISIONING", "ACTIVE", "150 days");
        entry(settled, "result-ignored", null, null, "120 days");
        entry(settled, "request-rejected", null, null, "10 days");
        UUID moving = tenant("UPGRADING");
        entry(moving, "transition", null, "ACTIVE", "100 days");
        entry(moving, "transition", "ACTIVE", "UPGRADING", "1 day");
        double before = pruned("tenant_timeline");

        sweeper.sweep();

        assertThat(kinds(settled)).containsExactly("transition:ACTIVE", "result-ignored", "request-rejected");
        assertThat(kinds(moving)).containsExactly("transition:UPGRADING");
        assertThat(pruned("tenant_timeline") - before).isGreaterThanOrEqualTo(3);
    }

    private static void key(String key, boolean fromCommand, String age) throws Exception {
        execute(
                "INSERT INTO provisioning_idempotency_key (idempotency_key, request_hash, response_status, "
                        + "response_body, from_command, created_at) VALUES (?, 'h', 202, '{}', ?, now() - ?::interval)",
                key,
                fromCommand,
                age);
    }

    private static List<String> keys(String suffix) throws Exception {
        return strings(
                "SELECT idempotency_key FROM provisioning_idempotency_key WHERE idempotency_key LIKE ?", "%" + suffix);
    }

    private static UUID tenant(String status) throws Exception {
        UUID id = UUID.randomUUID();
        execute(
                "INSERT INTO tenant (id, slug, display_name, status, correlation_id) VALUES (?, ?, 'Retention', ?, "
                        + "'c')",
                id,
                "ret" + id.toString().substring(0, 8),
                status);
        return id;
    }

    private static void entry(UUID tenant, String kind, String from, String to, String age) throws Exception {
        execute(
                "INSERT INTO tenant_timeline (tenant_id, kind, from_status, to_status, occurred_at) "
                        + "VALUES (?, ?, ?, ?, now() - ?::interval)",
                tenant,
                kind,
                from,
                to,
                age);
    }

    private static List<String> kinds(UUID tenant) throws Exception {
        return strings(
                "SELECT kind || coalesce(':' || to_status, '') FROM tenant_timeline WHERE tenant_id = ? "
                        + "ORDER BY seq",
                tenant);
    }

    private static List<String> strings(String sql, Object param) throws Exception {
        try (var c = ProvisioningTestSupport.infra().dataSource().getConnection();
                var s = c.prepareStatement(sql)) {
            s.setObject(1, param);
            try (var rows = s.executeQuery()) {
                List<String> values = new java.util.ArrayList<>();
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
                return values;
            }
        }
    }

    private double pruned(String table) {
        var counter =
                registry.find("tenantry.retention.pruned").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }
}
