package dev.tenantry.support.messaging;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The retry settings of a service's consumers (its {@code retry.*} configuration group): how
 * often and how patiently a record that failed for a transient reason is tried again before it
 * is dead-lettered.
 */
public interface ConsumerRetry {

    /** Attempts in all, the first one included. */
    @WithDefault("6")
    int maxAttempts();

    @WithDefault("200ms")
    Duration initialBackoff();

    @WithDefault("10s")
    Duration maxBackoff();

    default RetryPolicy policy() {
        return new RetryPolicy(maxAttempts(), initialBackoff(), maxBackoff());
    }
}
