package dev.tenantry.dispatcher.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a delivery is tried: entry 0 of the schedule is the delay before the first attempt,
 * entry n the delay before attempt n+1; when the entries run out the delivery has failed. Each
 * retry delay gets up to {@code jitter} of itself added at random, and a receiver's Retry-After
 * pushes the attempt back further (up to {@code maxRetryAfter}) but never brings it forward.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final double jitter;
    private final Duration maxRetryAfter;

    public RetrySchedule(List<Duration> delays, double jitter, Duration maxRetryAfter) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("the retry schedule needs at least one entry");
        }
        if (delays.stream().anyMatch(Duration::isNegative)) {
            throw new IllegalArgumentException("retry delays cannot be negative");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1");
        }
        this.delays = List.copyOf(delays);
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** How many attempts a delivery gets before it fails. */
    public int attempts() {
        return delays.size();
    }

    public Duration initialDelay() {
        return delays.get(0);
    }

    /**
     * @param attemptsMade attempts since the delivery was (re)queued, the failed one included
     * @param retryAfter   what the receiver asked for, or null
     * @return the delay before the next attempt, or empty when the schedule is exhausted
     */
    public Optional<Duration> delayAfter(int attemptsMade, Duration retryAfter) {
        if (attemptsMade >= delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(Math.max(0, attemptsMade));
        long baseMillis = base.toMillis();
        long extra = jitter == 0 || baseMillis == 0
                ? 0
                : ThreadLocalRandom.current().nextLong((long) (baseMillis * jitter) + 1);
        Duration delay = Duration.ofMillis(baseMillis + extra);
        if (retryAfter != null && !retryAfter.isNegative()) {
            Duration asked = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return Optional.of(delay);
    }
}
