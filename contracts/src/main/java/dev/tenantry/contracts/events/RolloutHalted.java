package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: more tenants of a rollout's stage failed than its budget allows; the rollout starts
 * no more tenants until an operator resumes it, retries the failed ones or aborts it.
 *
 * @param rolloutId     the rollout id, required
 * @param targetVersion the version it brings its tenants to, required
 * @param stage         the stage whose budget was spent, required
 * @param failed        tenants of the stage that failed, required
 * @param reason        why, in words, required
 */
public record RolloutHalted(String rolloutId, String targetVersion, String stage, int failed, String reason)
        implements RolloutEvent {

    private static final Validation CHECK = Validation.of("RolloutHalted");

    /**
     * Creates the record, validating every component.
     *
     * @param rolloutId the rollout id, required
     * @param targetVersion the version it brings its tenants to, required
     * @param stage the stage whose budget was spent, required
     * @param failed tenants of the stage that failed, required
     * @param reason why, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public RolloutHalted {
        CHECK.text("rolloutId", rolloutId);
        CHECK.version("targetVersion", targetVersion);
        CHECK.text("stage", stage);
        CHECK.nonNegative("failed", failed);
        CHECK.text("reason", reason);
    }
}
