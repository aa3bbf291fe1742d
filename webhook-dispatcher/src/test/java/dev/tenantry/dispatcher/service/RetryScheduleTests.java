package dev.tenantry.dispatcher.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTests {

    private static final List<Duration> DEFAULT = List.of(
            Duration.ZERO,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
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
        assertThat(WebhookSender.retryAfter(Optional.of("120"))).isEqualTo(Duration.ofSeconds(120));
        assertThat(WebhookSender.retryAfter(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")))
                .isEqualTo(Duration.ZERO);
        assertThat(WebhookSender.retryAfter(Optional.of("soon"))).isNull();
        assertThat(WebhookSender.retryAfter(Optional.empty())).isNull();
    }

    @Test
    void aRetryAfterHttpDateInTheFutureWaitsUntilThatDateAndPushesTheRetryBack() {
        // IMF-fixdate, as receivers send it (RFC 9110, section 5.6.7).
        DateTimeFormatter httpDate = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
        String inTwoMinutes = httpDate.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120));

        Duration wait = WebhookSender.retryAfter(Optional.of(inTwoMinutes));

        // An HTTP date has whole seconds: up to one is lost, and the test itself takes a moment.
        assertThat(wait).isBetween(Duration.ofSeconds(118), Duration.ofSeconds(120));
        RetrySchedule schedule = new RetrySchedule(DEFAULT, 0, Duration.ofHours(1));
        assertThat(schedule.delayAfter(1, wait)).contains(wait);
        String inThreeDays = httpDate.format(ZonedDateTime.now(ZoneOffset.UTC).plusDays(3));
        assertThat(schedule.delayAfter(1, WebhookSender.retryAfter(Optional.of(inThreeDays))))
                .contains(Duration.ofHours(1));
    }
}
