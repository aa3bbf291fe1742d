package dev.tenantry.worker.rollout;

import dev.tenantry.worker.model.Rollout;

/**
 * What a rollout does next, judged from its current stage's tenants. Pure, like the planner: the
 * executor only carries the verdict out.
 *
 * @param step   what to do
 * @param reason why, in words an operator reads in {@code tenantctl rollouts show} (null when
 *               the rollout simply goes on)
 */
public record StageVerdict(Step step, String reason) {

    /** The possible next steps. */
    public enum Step {
        /** Tenants of the stage are still pending or running: keep claiming. */
        CONTINUE,
        /** More tenants failed than the stage's budget allows: start no more. */
        HALT,
        /** The stage is done: the next stage may start (after its pause). */
        NEXT_STAGE,
        /** The stage is done and gated: pause until an operator resumes. */
        WAIT_AT_GATE,
        /** The last stage is done. */
        COMPLETE
    }

    /**
     * The verdict on a stage.
     *
     * @param maxFailures the stage's failure budget
     * @param last        whether no stage comes after it
     * @param gate        whether an operator must resume the rollout after it
     */
    public static StageVerdict judge(String stage, Rollout.Counts counts, int maxFailures, boolean last, boolean gate) {
        if (counts.failed() > maxFailures) {
            return new StageVerdict(
                    Step.HALT,
                    "stage '" + stage + "': " + counts.failed() + " of " + counts.total()
                            + " tenant(s) failed, more than its budget of " + maxFailures);
        }
        if (counts.pending() > 0 || counts.running() > 0) {
            return new StageVerdict(Step.CONTINUE, null);
        }
        if (last) {
            return new StageVerdict(Step.COMPLETE, null);
        }
        if (gate) {
            return new StageVerdict(
                    Step.WAIT_AT_GATE, "stage '" + stage + "' completed; waiting for an operator to resume");
        }
        return new StageVerdict(Step.NEXT_STAGE, null);
    }
}
