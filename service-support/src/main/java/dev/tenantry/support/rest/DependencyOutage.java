package dev.tenantry.support.rest;

import dev.tenantry.support.persistence.TransientFailures;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a failure caused by a dependency being away (PostgreSQL unreachable, restarting or out of
 * connections; Kafka not answering) from a defect. The first is answered 503 with Retry-After:
 * the request was fine and can be sent again; the second stays a 500.
 */
public final class DependencyOutage {

    private DependencyOutage() {}

    public static boolean isOutage(Throwable failure) {
        if (TransientFailures.isTransient(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Kafka's own marker for "try again": timeouts, unreachable or leaderless brokers, not
            // enough replicas; and a synchronous wait for Kafka that gave up.
            if (t instanceof RetriableException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
