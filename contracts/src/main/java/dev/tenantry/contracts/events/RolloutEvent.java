package dev.tenantry.contracts.events;

/**
 * A lifecycle event of a fleet rollout, sent by the migration worker on {@code tenant-lifecycle}
 * and delivered to webhooks like the tenants' own. Its subject and Kafka key is the rollout id.
 */
public sealed interface RolloutEvent extends LifecycleEvent
        permits RolloutStarted, RolloutStageCompleted, RolloutHalted, RolloutCompleted {

    /** @return the rollout id */
    String rolloutId();

    @Override
    default String subject() {
        return rolloutId();
    }
}
