package dev.tenantry.faults;

/** What must hold once the system has settled after a fault; each violation names one of these. */
public enum InvariantRule {
    /** A {@code tenant_*} schema that no live registry row claims: a half-made or leaked tenant. */
    ORPHAN_TENANT_SCHEMA,
    /** An ACTIVE tenant whose schema is not there. */
    ACTIVE_TENANT_WITHOUT_SCHEMA,
    /** An ACTIVE tenant whose schema's migration history ends at another version than the registry's. */
    ACTIVE_TENANT_AT_WRONG_VERSION,
    /** A tenant still waiting (REQUESTED, PROVISIONING, COMPENSATING, UPGRADING, DELETING, FAILED). */
    TENANT_NOT_SETTLED,
    /** An outbox row still there: Kafka never acknowledged it. */
    OUTBOX_NOT_RELAYED,
    /** An event the saga recorded as emitted that no topic carries. */
    EMITTED_EVENT_MISSING,
    /** A tenant migration recorded twice as applied in one schema's history. */
    MIGRATION_APPLIED_TWICE,
    /** A lifecycle event with no delivery to an endpoint that was subscribed to it. */
    WEBHOOK_NOT_QUEUED,
    /** A delivery neither delivered nor given up (pending or in flight). */
    WEBHOOK_NOT_SETTLED,
    /** A delivery attempted again after an attempt that succeeded. */
    WEBHOOK_SENT_TWICE,
    /** A dead letter that no injected fault explains. */
    UNEXPLAINED_DEAD_LETTER
}
