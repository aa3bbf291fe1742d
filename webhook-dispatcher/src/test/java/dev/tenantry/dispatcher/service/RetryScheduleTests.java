package dev.tenantry.dispatcher.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTests {

    private static final List<Duration> DEFAULT = List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
            Duration.ofHours(10));

    @Test
    void theDefaultScheduleGivesEightAttemptsThenGivesUp() {
        RetrySchedule schedule = new RetrySchedule(DEFAULT, 0, Duration.ofDays(1));

        assertThat(schedule.attempts()).isEqualTo(8);
        assertThat(schedule.initialDelay()).isZero();
        assertThat(schedule.delayAfter(1, null)).contains(Duration.ofSeconds(5));
        assertThat(schedule.delayAfter(2, null)).contains(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(7, null)).contains(Duration.ofHours(10));
        assertThat(schedule.delayAfter(8, null)).isEmpty();
    }

    @Test
    void jitterOnlyEverAddsUpToItsShare() {
        RetrySchedule schedule = new RetrySchedule(DEFAULT, 0.2, Duration.ofDays(1));

        for (int i = 0; i < 200; i++) {
            assertThat(schedule.delayAfter(2, null).orElseThrow())
                    .isBetween(Duration.ofMinutes(5), Duration.ofMinutes(6));
        }
    }

    @Test
    void retryAfterPushesTheAttemptBackButNeverForwardAndIsCapped() {
        RetrySchedule schedule = new RetrySchedule(DEFAULT, 0, Duration.ofHours(1));

        assertThat(schedule.delayAfter(1, Duration.ofSeconds(30))).contains(Duration.ofSeconds(30));
        assertThat(schedule.delayAfter(2, Duration.ofSeconds(30))).contains(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(1, Duration.ofDays(3))).contains(Duration.ofHours(1));
        assertThat(schedule.delayAfter(8, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(WebhookSender.retryAfter(java.util.Optional.of("120"))).isEqualTo(Duration.ofSeconds(120));
        assertThat(WebhookSender.retryAfter(java.util.Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")))
                .isEqualTo(Duration.ZERO);
        assertThat(WebhookSender.retryAfter(java.util.Optional.of("soon"))).isNull();
        assertThat(WebhookSender.retryAfter(java.util.Optional.empty())).isNull();
    }
}
