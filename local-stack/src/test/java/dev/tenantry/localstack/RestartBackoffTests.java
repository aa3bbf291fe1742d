package dev.tenantry.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartBackoffTests {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aComponentThatKeepsCrashingWaitsTwiceAsLongEachTimeUpToThirtySeconds() {
        RestartBackoff backoff = RestartBackoff.standard();
        List<Long> delays = new ArrayList<>();
        Instant now = T0;
        for (int i = 0; i < 9; i++) {
            Duration delay = backoff.crashed(now);
            delays.add(delay.toSeconds());
            now = now.plus(delay);
            backoff.started(now);
            now = now.plusSeconds(2);
        }
        assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L, 30L);
    }

    @Test
    void aComponentThatStayedUpLongEnoughStartsAgainFromTheShortestWait() {
        RestartBackoff backoff = RestartBackoff.standard();
        backoff.crashed(T0);
        backoff.crashed(T0.plusSeconds(2));
        backoff.started(T0.plusSeconds(5));
        assertThat(backoff.crashed(T0.plusSeconds(5).plus(RestartBackoff.RESET_AFTER)))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aComponentThatCrashesSoonAfterItsRestartKeepsBackingOff() {
        RestartBackoff backoff = RestartBackoff.standard();
        backoff.crashed(T0);
        backoff.started(T0.plusSeconds(1));
        assertThat(backoff.crashed(T0.plusSeconds(59))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aFailedStartCountsLikeACrash() {
        RestartBackoff backoff = RestartBackoff.standard();
        backoff.crashed(T0);
        // No started(): the restart attempt itself failed.
        assertThat(backoff.crashed(T0.plusSeconds(120))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anOperatorsRestartStartsAFreshSeries() {
        RestartBackoff backoff = RestartBackoff.standard();
        for (int i = 0; i < 6; i++) {
            backoff.crashed(T0);
        }
        backoff.reset();
        assertThat(backoff.crashed(T0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void manyCrashesNeverOverflowTheCap() {
        RestartBackoff backoff =
                new RestartBackoff(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofMinutes(1));
        Duration last = Duration.ZERO;
        for (int i = 0; i < 200; i++) {
            last = backoff.crashed(T0);
        }
        assertThat(last).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void refusesAnEmptyOrInvertedRange() {
        assertThatThrownBy(() -> new RestartBackoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> new RestartBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
