package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.contracts.events.LifecycleEvent;
import dev.tenantry.contracts.events.MigrationRequest;
import dev.tenantry.contracts.events.MigrationResult;
import dev.tenantry.contracts.events.TenantCommand;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantryEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventTypeTests {

    @Test
    void typeStringsAreTheAgreedOnes() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("CreateTenant", "tenantry.command.create-tenant.v1");
        expected.put("UpgradeTenant", "tenantry.command.upgrade-tenant.v1");
        expected.put("DeleteTenant", "tenantry.command.delete-tenant.v1");
        expected.put("TenantRequested", "tenantry.tenant.requested.v1");
        expected.put("TenantUpgradeRequested", "tenantry.tenant.upgrade-requested.v1");
        expected.put("TenantRollbackRequested", "tenantry.tenant.rollback-requested.v1");
        expected.put("TenantDeletionRequested", "tenantry.tenant.deletion-requested.v1");
        expected.put("TenantMigrated", "tenantry.tenant.migrated.v1");
        expected.put("TenantMigrationFailed", "tenantry.tenant.migration-failed.v1");
        expected.put("TenantRolledBack", "tenantry.tenant.rolled-back.v1");
        expected.put("TenantDeleted", "tenantry.tenant.deleted.v1");
        expected.put("TenantProvisioningStarted", "tenantry.tenant.provisioning-started.v1");
        expected.put("TenantActivated", "tenantry.tenant.activated.v1");
        expected.put("TenantProvisioningFailed", "tenantry.tenant.provisioning-failed.v1");
        expected.put("TenantUpgraded", "tenantry.tenant.upgraded.v1");
        expected.put("TenantUpgradeFailed", "tenantry.tenant.upgrade-failed.v1");
        expected.put("TenantRequestRejected", "tenantry.tenant.request-rejected.v1");
        expected.put("RolloutStarted", "tenantry.rollout.started.v1");
        expected.put("RolloutStageCompleted", "tenantry.rollout.stage-completed.v1");
        expected.put("RolloutHalted", "tenantry.rollout.halted.v1");
        expected.put("RolloutCompleted", "tenantry.rollout.completed.v1");

        Map<String, String> actual = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            actual.put(t.simpleName(), t.type());
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
        assertThat(EventType.TENANT_REQUESTED.type()).isEqualTo(EventType.Types.TENANT_REQUESTED);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void lookupsAgree(EventType type) {
        assertThat(EventType.byType(type.type())).contains(type);
        assertThat(EventType.bySimpleName(type.simpleName())).contains(type);
        assertThat(EventType.of(type.eventClass())).isEqualTo(type);
        assertThat(EventType.of(SampleEvents.of(type))).isEqualTo(type);
        assertThat(EventType.of(SampleEvents.of(type))).isEqualTo(type);
        assertThat(type.schemaResource()).isEqualTo("schemas/" + type.simpleName() + ".json");
        assertThat(type.topics())
                .isNotEmpty()
                .allSatisfy(topic -> assertThat(Topics.ALL).contains(topic));
    }

    @Test
    void unknownLookupsAreEmptyOrRejected() {
        assertThat(EventType.byType("tenantry.tenant.unknown.v1")).isEmpty();
        assertThat(EventType.byType(null)).isEmpty();
        assertThat(EventType.bySimpleName("Nope")).isEmpty();
        assertThatThrownBy(() -> EventType.of(TenantryEvent.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventType.of((TenantryEvent) null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topicsFollowTheArchitecture() {
        assertThat(EventType.onTopic(Topics.TENANT_COMMANDS))
                .extracting(EventType::simpleName)
                .containsExactly("CreateTenant", "UpgradeTenant", "DeleteTenant");
        assertThat(EventType.onTopic(Topics.TENANT_MIGRATION_REQUESTS))
                .extracting(EventType::simpleName)
                .containsExactly(
                        "TenantRequested",
                        "TenantUpgradeRequested",
                        "TenantRollbackRequested",
                        "TenantDeletionRequested");
        assertThat(EventType.onTopic(Topics.TENANT_MIGRATION_RESULTS))
                .extracting(EventType::simpleName)
                .containsExactly("TenantMigrated", "TenantMigrationFailed", "TenantRolledBack", "TenantDeleted");
        assertThat(EventType.onTopic(Topics.TENANT_LIFECYCLE))
                .extracting(EventType::simpleName)
                .containsExactly(
                        "TenantDeleted",
                        "TenantProvisioningStarted",
                        "TenantActivated",
                        "TenantProvisioningFailed",
                        "TenantUpgraded",
                        "TenantUpgradeFailed",
                        "TenantRequestRejected",
                        "RolloutStarted",
                        "RolloutStageCompleted",
                        "RolloutHalted",
                        "RolloutCompleted");
        assertThat(EventType.onTopic("elsewhere")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void markerInterfacesMatchTopics(EventType type) {
        Class<?> c = type.eventClass();
        assertThat(TenantCommand.class.isAssignableFrom(c)).isEqualTo(type.isPublishedOn(Topics.TENANT_COMMANDS));
        assertThat(MigrationRequest.class.isAssignableFrom(c))
                .isEqualTo(type.isPublishedOn(Topics.TENANT_MIGRATION_REQUESTS));
        assertThat(MigrationResult.class.isAssignableFrom(c))
                .isEqualTo(type.isPublishedOn(Topics.TENANT_MIGRATION_RESULTS));
        assertThat(LifecycleEvent.class.isAssignableFrom(c)).isEqualTo(type.isPublishedOn(Topics.TENANT_LIFECYCLE));
    }

    @Test
    void typeStringsAndSimpleNamesAreUnique() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::type)).doesNotHaveDuplicates();
        assertThat(Arrays.stream(EventType.values()).map(EventType::simpleName)).doesNotHaveDuplicates();
        assertThat(EventType.of(TenantDeleted.class).topics())
                .containsExactly(Topics.TENANT_MIGRATION_RESULTS, Topics.TENANT_LIFECYCLE);
        assertThat(EventType.of(TenantRequested.class).isPublishedOn(Topics.TENANT_LIFECYCLE))
                .isFalse();
    }
}
