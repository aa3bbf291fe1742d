package dev.tenantry.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.support.messaging.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void backoffDoublesPerAttemptWithAtMostTwentyPercentJitter() {
        for (int i = 0; i < 50; i++) {
            assertThat(policy.backoffAfter(1).toMillis()).isBetween(80L, 100L);
            assertThat(policy.backoffAfter(2).toMillis()).isBetween(160L, 200L);
            assertThat(policy.backoffAfter(3).toMillis()).isBetween(320L, 400L);
        }
    }

    @Test
    void backoffNeverExceedsTheMaximumEvenAfterManyAttempts() {
        assertThat(policy.backoffAfter(10).toMillis()).isBetween(800L, 1000L);
        assertThat(policy.backoffAfter(64).toMillis()).isBetween(800L, 1000L);
    }

    @Test
    void retriesStopAtTheAttemptBudget() {
        assertThat(policy.canRetryAfter(4)).isTrue();
        assertThat(policy.canRetryAfter(5)).isFalse();
    }

    @Test
    void nonsensicalPoliciesAreRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
