package dev.tenantry.provisioning.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.provisioning.model.WorkerProgress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which waiting tenants the stuck-tenant sweep takes for unanswered, given what the worker answered. */
class WorkerProgressTests {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static Instant ago(int seconds) {
        return NOW.minusSeconds(seconds);
    }

    /** True when a tenant whose request went out at {@code requestSent} counts as unanswered. */
    private static boolean unanswered(WorkerProgress progress, Instant requestSent) {
        return progress.unansweredBefore(NOW, TIMEOUT)
                .map(requestSent::isBefore)
                .orElse(false);
    }

    @Test
    void aRequestYoungerThanTheTimeoutIsNeverUnanswered() {
        assertThat(unanswered(WorkerProgress.SILENT, ago(119))).isFalse();
        assertThat(unanswered(new WorkerProgress(ago(1), ago(2)), ago(119))).isFalse();
    }

    @Test
    void aWorkerThatAnsweredNothingForTheWholeTimeoutLeavesEveryOldRequestUnanswered() {
        assertThat(unanswered(WorkerProgress.SILENT, ago(121))).isTrue();
        // Its last answer is older than the timeout: it is away or stuck.
        assertThat(unanswered(new WorkerProgress(ago(130), ago(131)), ago(121))).isTrue();
    }

    @Test
    void aRequestQueuedBehindOnesTheWorkerIsStillAnsweringIsNotUnansweredHoweverOld() {
        // A burst: every request went out ten minutes ago; the worker is answering them, the
        // latest answered one was sent a few seconds after the waiting one.
        WorkerProgress draining = new WorkerProgress(ago(1), ago(600 - 5));
        assertThat(unanswered(draining, ago(600))).isFalse();
    }

    @Test
    void aRequestTheWorkerHasMovedPastByMoreThanTheTimeoutIsUnanswered() {
        // Requests sent three minutes after it have been answered: it was lost on the way.
        WorkerProgress movedOn = new WorkerProgress(ago(1), ago(600 - 180));
        assertThat(unanswered(movedOn, ago(600))).isTrue();
    }

    @Test
    void partitionsRunningAheadOfOneAnotherByLessThanTheTimeoutAreTolerated() {
        WorkerProgress oneAhead = new WorkerProgress(ago(1), ago(600 - 119));
        assertThat(unanswered(oneAhead, ago(600))).isFalse();
    }

    @Test
    void answersWithoutARecordedRequestShowAWorkerAtWorkButPassNoRequest() {
        // Tenants whose requests went out before their sending time was recorded, upgraded by a
        // fleet upgrade the worker runs on its own.
        WorkerProgress fleetUpgrade = new WorkerProgress(ago(1), null);
        assertThat(fleetUpgrade.unansweredBefore(NOW, TIMEOUT)).isEmpty();
    }
}
