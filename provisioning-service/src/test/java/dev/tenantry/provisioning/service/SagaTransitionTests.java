package dev.tenantry.provisioning.service;

import static dev.tenantry.provisioning.model.TenantStatus.ACTIVE;
import static dev.tenantry.provisioning.model.TenantStatus.COMPENSATING;
import static dev.tenantry.provisioning.model.TenantStatus.DELETED;
import static dev.tenantry.provisioning.model.TenantStatus.DELETING;
import static dev.tenantry.provisioning.model.TenantStatus.FAILED;
import static dev.tenantry.provisioning.model.TenantStatus.PROVISIONING;
import static dev.tenantry.provisioning.model.TenantStatus.REQUESTED;
import static dev.tenantry.provisioning.model.TenantStatus.ROLLED_BACK;
import static dev.tenantry.provisioning.model.TenantStatus.UPGRADE_FAILED;
import static dev.tenantry.provisioning.model.TenantStatus.UPGRADING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.provisioning.model.TenantStatus;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SagaTransitionTests {

    /** The saga as the architecture describes it, edge by edge. */
    private static final Map<TenantStatus, Set<TenantStatus>> EXPECTED = Map.of(
            REQUESTED, EnumSet.of(PROVISIONING),
            PROVISIONING, EnumSet.of(PROVISIONING, ACTIVE, FAILED),
            FAILED, EnumSet.of(COMPENSATING),
            COMPENSATING, EnumSet.of(COMPENSATING, ROLLED_BACK),
            // A rollout's result moves an ACTIVE tenant to UPGRADE_FAILED, and back on a retry.
            ACTIVE, EnumSet.of(ACTIVE, UPGRADING, UPGRADE_FAILED, DELETING),
            UPGRADING, EnumSet.of(ACTIVE, UPGRADING, UPGRADE_FAILED),
            UPGRADE_FAILED, EnumSet.of(ACTIVE, UPGRADING, DELETING),
            DELETING, EnumSet.of(DELETING, DELETED));

    @Test
    void theTransitionTableAllowsExactlyTheSagasEdges() {
        Map<TenantStatus, Set<TenantStatus>> actual = new HashMap<>();
        for (SagaTransition transition : SagaTransition.values()) {
            for (TenantStatus from : transition.from()) {
                actual.computeIfAbsent(from, k -> EnumSet.noneOf(TenantStatus.class))
                        .add(transition.to());
            }
        }
        assertThat(actual).isEqualTo(EXPECTED);
    }

    @Test
    void rolledBackAndDeletedTenantsAreFinalAndGiveUpTheirSlug() {
        for (TenantStatus end : EnumSet.of(ROLLED_BACK, DELETED)) {
            assertThat(SagaTransition.values()).noneMatch(t -> t.allowedFrom(end));
            assertThat(end.isLive()).isFalse();
        }
        assertThat(EnumSet.complementOf(EnumSet.of(ROLLED_BACK, DELETED))).allMatch(TenantStatus::isLive);
    }

    @Test
    void aFailedUpgradeIsNeverCompensatedButCanBeRetried() {
        assertThat(SagaTransition.COMPENSATE.from()).containsExactly(FAILED);
        assertThat(SagaTransition.START_UPGRADE.allowedFrom(UPGRADE_FAILED)).isTrue();
        assertThat(SagaTransition.FAIL_UPGRADE.to()).isEqualTo(UPGRADE_FAILED);
    }
}
