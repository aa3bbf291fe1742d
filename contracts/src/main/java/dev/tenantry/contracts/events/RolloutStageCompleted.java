package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;

/**
 * Lifecycle: every tenant of a rollout's stage was migrated or failed within the stage's budget.
 *
 * @param rolloutId     the rollout id, required
 * @param targetVersion the version it brings its tenants to, required
 * @param stage         the stage's name, required
 * @param position      the stage's position, from 0, required
 * @param done          tenants of the stage migrated, required
 * @param failed        tenants of the stage that failed, required
 * @param nextStage     the stage that follows, optional (absent after the last one)
 * @param gate          whether the rollout now waits for an operator to resume it, required
 */
public record RolloutStageCompleted(
        String rolloutId,
        String targetVersion,
        String stage,
        int position,
        int done,
        int failed,
        String nextStage,
        boolean gate)
        implements RolloutEvent {

    private static final Validation CHECK = Validation.of("RolloutStageCompleted");

    /**
     * Creates the record, validating every component.
     *
     * @param rolloutId the rollout id, required
     * @param targetVersion the version it brings its tenants to, required
     * @param stage the stage's name, required
     * @param position the stage's position, required
     * @param done tenants of the stage migrated, required
     * @param failed tenants of the stage that failed, required
     * @param nextStage the stage that follows, optional
     * @param gate whether the rollout now waits for an operator, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public RolloutStageCompleted {
        CHECK.text("rolloutId", rolloutId);
        CHECK.version("targetVersion", targetVersion);
        CHECK.text("stage", stage);
        CHECK.nonNegative("position", position);
        CHECK.nonNegative("done", done);
        CHECK.nonNegative("failed", failed);
        CHECK.optionalText("nextStage", nextStage);
    }
}
