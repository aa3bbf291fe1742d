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

import dev.tenantry.provisioning.model.TenantStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * The tenant saga on one screen: every move a tenant can make, from which states, to which
 * state, and what it sends. Nothing else changes a tenant's status; {@link SagaDecisions} decides
 * which transitions an input makes and what each writes.
 *
 * <pre>
 * REQUESTED ─► PROVISIONING ─► ACTIVE ◄──────────────┐
 *                 │  ▲ re-sent once when stuck        │
 *                 ▼  │                                │
 *              FAILED ─► COMPENSATING ─► ROLLED_BACK  │      ACTIVE ─► DELETING ─► DELETED
 *                         ▲ re-sent while stuck ┘     │               ▲ re-sent ┘
 *                                                     │
 *              ACTIVE | UPGRADE_FAILED ─► UPGRADING ──┴─► UPGRADE_FAILED
 *                                           ▲ re-sent while stuck, then failed ┘
 *
 *              ACTIVE | UPGRADE_FAILED ─► ACTIVE           (a rollout upgraded it)
 *              ACTIVE ─► UPGRADE_FAILED                    (a rollout's upgrade failed)
 * </pre>
 */
public enum SagaTransition {

    /** New tenant: ask the worker for its schema. Sends TenantRequested and TenantProvisioningStarted. */
    START_PROVISIONING(EnumSet.of(REQUESTED), PROVISIONING, true),
    /** No answer within the provisioning timeout: ask again (once). Sends TenantRequested. */
    RESEND_PROVISIONING_REQUEST(EnumSet.of(PROVISIONING), PROVISIONING, false),
    /** The worker migrated the new schema. Sends TenantActivated. */
    ACTIVATE(EnumSet.of(PROVISIONING), ACTIVE, false),
    /** The worker failed, or never answered. Sends TenantProvisioningFailed with the cause. */
    FAIL_PROVISIONING(EnumSet.of(PROVISIONING), FAILED, false),
    /** Compensation of a failed new tenant: drop the half-made schema. Sends TenantRollbackRequested. */
    COMPENSATE(EnumSet.of(FAILED), COMPENSATING, false),
    /** No rollback result within the timeout: ask again, as often as it takes. Sends TenantRollbackRequested. */
    RESEND_ROLLBACK_REQUEST(EnumSet.of(COMPENSATING), COMPENSATING, false),
    /** The worker dropped the schema; the slug is free again. Sends nothing. */
    FINISH_ROLLBACK(EnumSet.of(COMPENSATING), ROLLED_BACK, false),
    /** Upgrade (or retry a failed upgrade). Sends TenantUpgradeRequested. */
    START_UPGRADE(EnumSet.of(ACTIVE, UPGRADE_FAILED), UPGRADING, true),
    /** No upgrade result within the timeout: ask again, up to the request budget. Sends TenantUpgradeRequested. */
    RESEND_UPGRADE_REQUEST(EnumSet.of(UPGRADING), UPGRADING, false),
    /** The worker applied the upgrade. Sends TenantUpgraded. */
    FINISH_UPGRADE(EnumSet.of(UPGRADING), ACTIVE, false),
    /** The upgrade failed; the schema keeps its data, never compensated. Sends TenantUpgradeFailed. */
    FAIL_UPGRADE(EnumSet.of(UPGRADING), UPGRADE_FAILED, false),
    /**
     * A rollout (or drift repair) upgraded the tenant: no request of the registry's asked for it.
     * From UPGRADE_FAILED too, when a rollout's retry gets further than the upgrade that failed.
     * Sends TenantUpgraded.
     */
    RECORD_WORKER_UPGRADE(EnumSet.of(ACTIVE, UPGRADE_FAILED), ACTIVE, false),
    /**
     * A rollout's upgrade of an active tenant failed; the schema keeps its data at the version it
     * reached, as after {@link #FAIL_UPGRADE}. Sends TenantUpgradeFailed.
     */
    RECORD_WORKER_UPGRADE_FAILURE(EnumSet.of(ACTIVE), UPGRADE_FAILED, false),
    /** Delete: the worker renames the schema aside. Sends TenantDeletionRequested. */
    START_DELETION(EnumSet.of(ACTIVE, UPGRADE_FAILED), DELETING, true),
    /** No deletion result within the timeout: ask again (archiving is idempotent). Sends TenantDeletionRequested. */
    RESEND_DELETION_REQUEST(EnumSet.of(DELETING), DELETING, false),
    /** The schema is archived. Sends TenantDeleted. */
    FINISH_DELETION(EnumSet.of(DELETING), DELETED, false);

    private final Set<TenantStatus> from;
    private final TenantStatus to;
    private final boolean startsWorkflow;

    SagaTransition(Set<TenantStatus> from, TenantStatus to, boolean startsWorkflow) {
        this.from = from;
        this.to = to;
        this.startsWorkflow = startsWorkflow;
    }

    public Set<TenantStatus> from() {
        return from;
    }

    public TenantStatus to() {
        return to;
    }

    /** Whether this transition begins a new workflow (a new correlation id) rather than continuing one. */
    public boolean startsWorkflow() {
        return startsWorkflow;
    }

    public boolean allowedFrom(TenantStatus status) {
        return from.contains(status);
    }
}
