package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: a rollout's last stage is done.
 *
 * @param rolloutId     the rollout id, required
 * @param targetVersion the version it brought its tenants to, required
 * @param done          tenants migrated, required
 * @param failed        tenants that failed (within the budgets), required
 * @param skipped       tenants left out (pinned), required
 */
public record RolloutCompleted(String rolloutId, String targetVersion, int done, int failed, int skipped)
        implements RolloutEvent {

    private static final Validation CHECK = Validation.of("RolloutCompleted");

    /**
     * Creates the record, validating every component.
     *
     * @param rolloutId the rollout id, required
     * @param targetVersion the version it brought its tenants to, required
     * @param done tenants migrated, required
     * @param failed tenants that failed, required
     * @param skipped tenants left out, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public RolloutCompleted {
        CHECK.text("rolloutId", rolloutId);
        CHECK.version("targetVersion", targetVersion);
        CHECK.nonNegative("done", done);
        CHECK.nonNegative("failed", failed);
        CHECK.nonNegative("skipped", skipped);
    }
}
