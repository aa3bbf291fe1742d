package dev.tenantry.worker.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.worker.model.Rollout;
import dev.tenantry.worker.rollout.StageVerdict.Step;
import org.junit.jupiter.api.Test;

class StageVerdictTests {

    private static Rollout.Counts counts(int pending, int running, int done, int failed, int skipped) {
        return new Rollout.Counts(pending + running + done + failed + skipped, pending, running, done, failed, skipped);
    }

    @Test
    void aStageWithTenantsLeftWithinItsBudgetGoesOn() {
        StageVerdict verdict = StageVerdict.judge("wave", counts(3, 2, 4, 1, 0), 1, false, false);

        assertThat(verdict.step()).isEqualTo(Step.CONTINUE);
    }

    @Test
    void oneFailureMoreThanTheBudgetHaltsEvenWithTenantsLeftAndSaysWhy() {
        StageVerdict verdict = StageVerdict.judge("canary", counts(5, 1, 0, 1, 0), 0, false, false);

        assertThat(verdict.step()).isEqualTo(Step.HALT);
        assertThat(verdict.reason()).isEqualTo("stage 'canary': 1 of 7 tenant(s) failed, more than its budget of 0");
    }

    @Test
    void aFinishedStageHaltsRatherThanMovingOnWhenItsBudgetIsSpent() {
        StageVerdict verdict = StageVerdict.judge("canary", counts(0, 0, 1, 2, 0), 1, false, false);

        assertThat(verdict.step()).isEqualTo(Step.HALT);
    }

    @Test
    void aFinishedStageWithinItsBudgetMovesToTheNextStage() {
        StageVerdict verdict = StageVerdict.judge("canary", counts(0, 0, 9, 1, 2), 1, false, false);

        assertThat(verdict.step()).isEqualTo(Step.NEXT_STAGE);
    }

    @Test
    void aFinishedGatedStageWaitsForAnOperator() {
        StageVerdict verdict = StageVerdict.judge("canary", counts(0, 0, 2, 0, 0), 0, false, true);

        assertThat(verdict.step()).isEqualTo(Step.WAIT_AT_GATE);
        assertThat(verdict.reason()).contains("waiting for an operator");
    }

    @Test
    void theLastStageFinishedCompletesTheRolloutEvenIfGated() {
        StageVerdict verdict = StageVerdict.judge("rest", counts(0, 0, 5, 0, 1), 0, true, true);

        assertThat(verdict.step()).isEqualTo(Step.COMPLETE);
    }

    @Test
    void anEmptyStageIsFinishedAtOnce() {
        StageVerdict verdict = StageVerdict.judge("empty", counts(0, 0, 0, 0, 0), 0, false, false);

        assertThat(verdict.step()).isEqualTo(Step.NEXT_STAGE);
    }

    @Test
    void aRunningTenantWhoseWorkerDiedStillHoldsTheStageOpen() {
        StageVerdict verdict = StageVerdict.judge("wave", counts(0, 1, 9, 0, 0), 0, true, false);

        assertThat(verdict.step()).isEqualTo(Step.CONTINUE);
    }
}
