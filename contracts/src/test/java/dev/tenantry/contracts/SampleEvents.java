package dev.tenantry.contracts;

import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.DeleteTenant;
import dev.tenantry.contracts.events.RolloutCompleted;
import dev.tenantry.contracts.events.RolloutHalted;
import dev.tenantry.contracts.events.RolloutStageCompleted;
import dev.tenantry.contracts.events.RolloutStarted;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantProvisioningFailed;
import dev.tenantry.contracts.events.TenantProvisioningStarted;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantUpgradeFailed;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.contracts.events.TenantUpgraded;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.events.UpgradeTenant;
import dev.tenantry.contracts.tenant.MigrationKind;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One representative instance of every event, with every optional field filled in. A new
 * event type without a sample here fails {@code samplesCoverEveryEventTypeExactlyOnce}.
 */
final class SampleEvents {

    static final String TENANT_ID = "0b6f2d7e-4c1a-4e7b-9d3f-2a5c8e1f6b90";
    static final String COMMAND_ID = "cmd-7f3a";
    static final String SLUG = "acme_corp";
    static final String SCHEMA = "tenant_acme_corp";
    static final String ROLLOUT_ID = "rollout-5d0c9b1e";
    static final URI SOURCE = URI.create("urn:tenantry:test");

    private SampleEvents() {}

    static List<TenantryEvent> all() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("region", "eu-west-1");
        metadata.put("owner", "ops@acme.example");
        return List.of(
                new CreateTenant(COMMAND_ID, SLUG, "Acme Corp", "enterprise", metadata),
                new UpgradeTenant(COMMAND_ID, TENANT_ID, "4"),
                new DeleteTenant(COMMAND_ID, TENANT_ID),
                new TenantRequested(TENANT_ID, SLUG, SCHEMA, "3"),
                new TenantUpgradeRequested(TENANT_ID, SLUG, SCHEMA, "4.1"),
                new TenantRollbackRequested(TENANT_ID, SLUG, SCHEMA, "migration 2 failed: syntax error"),
                new TenantDeletionRequested(TENANT_ID, SLUG, SCHEMA),
                new TenantMigrated(TENANT_ID, SCHEMA, MigrationKind.UPGRADE, "3", "4.1", 2, 1234L),
                new TenantMigrationFailed(
                        TENANT_ID,
                        SCHEMA,
                        MigrationKind.NEW,
                        "2",
                        "SQL_ERROR",
                        "relation \"orders\" already exists",
                        "1"),
                new TenantRolledBack(TENANT_ID, SCHEMA, true, "schema belongs to another tenant"),
                new TenantDeleted(
                        TENANT_ID,
                        SCHEMA,
                        "tenant_acme_corp_deleted_20260101",
                        false,
                        "schema belongs to another tenant"),
                new TenantProvisioningStarted(TENANT_ID, SLUG, SCHEMA, "3"),
                new TenantActivated(TENANT_ID, SLUG, SCHEMA, "3"),
                new TenantProvisioningFailed(TENANT_ID, SLUG, SCHEMA, "2", "migration 2 failed"),
                new TenantUpgraded(TENANT_ID, SLUG, SCHEMA, "3", "4.1"),
                new TenantUpgradeFailed(TENANT_ID, SLUG, SCHEMA, "3", "4", "migration 4 failed"),
                new TenantRequestRejected(COMMAND_ID, "CreateTenant", SLUG, "slug already taken"),
                new RolloutStarted(ROLLOUT_ID, "4", 120, List.of("canary", "rest"), "operator"),
                new RolloutStageCompleted(ROLLOUT_ID, "4", "canary", 0, 2, 0, "rest", true),
                new RolloutHalted(ROLLOUT_ID, "4", "rest", 3, "stage 'rest': 3 of 118 tenant(s) failed"),
                new RolloutCompleted(ROLLOUT_ID, "4", 117, 2, 1));
    }

    static TenantryEvent of(EventType type) {
        return all().stream()
                .filter(e -> EventType.of(e) == type)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sample for " + type));
    }

    static Stream<EventType> types() {
        return Stream.of(EventType.values());
    }

    static EventEnvelope<TenantryEvent> envelope(EventType type) {
        return EventEnvelope.create(SOURCE, of(type));
    }
}
