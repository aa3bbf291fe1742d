package dev.tenantry.localstack;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long the supervisor waits before restarting a component that crashed: doubling from
 * {@code initial} up to {@code max}, so a component that cannot start (its port taken, its
 * database gone) does not spin, and back to {@code initial} once it has stayed up for
 * {@code resetAfter}, so one crash a day is always retried quickly.
 */
final class RestartBackoff {

    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration RESET_AFTER = Duration.ofSeconds(60);

    private final Duration initial;
    private final Duration max;
    private final Duration resetAfter;
    private int consecutiveCrashes;
    private Instant upSince;

    RestartBackoff(Duration initial, Duration max, Duration resetAfter) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.resetAfter = Objects.requireNonNull(resetAfter);
    }

    /** 1 s, 2 s, 4 s ... 30 s; reset after a minute up. */
    static RestartBackoff standard() {
        return new RestartBackoff(INITIAL, MAX, RESET_AFTER);
    }

    /** The component was (re)started at {@code at}; it counts as healthy from then on. */
    synchronized void started(Instant at) {
        upSince = at;
    }

    /** Records a crash (or a failed start) at {@code at} and returns the wait before the next attempt. */
    synchronized Duration crashed(Instant at) {
        if (upSince != null && Duration.between(upSince, at).compareTo(resetAfter) >= 0) {
            consecutiveCrashes = 0;
        }
        upSince = null;
        Duration delay = initial;
        // Doubling stops at max: no overflow however many crashes.
        for (int i = 0; i < consecutiveCrashes && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        consecutiveCrashes++;
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** An operator's restart starts a fresh series. */
    synchronized void reset() {
        consecutiveCrashes = 0;
        upSince = null;
    }
}
