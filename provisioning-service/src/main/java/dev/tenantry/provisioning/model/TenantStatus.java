package dev.tenantry.provisioning.model;

/** Where a tenant is in its saga. The allowed moves between them are {@code SagaTransition}. */
public enum TenantStatus {
    REQUESTED,
    PROVISIONING,
    ACTIVE,
    FAILED,
    COMPENSATING,
    ROLLED_BACK,
    UPGRADING,
    UPGRADE_FAILED,
    DELETING,
    DELETED;

    /** A live tenant holds its slug; a rolled-back or deleted one has given it up. */
    public boolean isLive() {
        return this != ROLLED_BACK && this != DELETED;
    }
}
