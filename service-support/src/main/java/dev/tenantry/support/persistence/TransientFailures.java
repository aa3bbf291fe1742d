package dev.tenantry.support.persistence;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Decides whether a failure is worth retrying. Transient: the database, Kafka or the network went
 * away or was busy (connection errors, serialization failures, deadlocks, lock and statement
 * timeouts, server shutdown; a Kafka publish that was not acknowledged in time, an expired batch,
 * an unreachable broker or any error Kafka itself calls retriable). Everything else (SQL errors in
 * a migration, constraint violations, bad input, a record Kafka refuses for good) is permanent:
 * retrying would fail the same way.
 */
public final class TransientFailures {

    /** SQLSTATE values that mean "try again", beyond the whole class 08 (connection exception). */
    private static final Set<String> TRANSIENT_STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03", // lock_not_available
            "57014", // query_canceled (statement_timeout)
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now
            "53300", // too_many_connections
            "08000", "08003", "08006", "08001", "08004");

    /** SQLSTATE values, beyond class 08, that mean the server itself is away or full. */
    private static final Set<String> OUTAGE_STATES = Set.of(
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now
            "53300"); // too_many_connections

    private TransientFailures() {}

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException
                    || t instanceof ConnectException
                    || t instanceof SocketTimeoutException
                    || t instanceof SocketException) {
                return true;
            }
            // Kafka: RetriableException covers timeouts (expired batches, metadata not available
            // within max.block.ms), lost connections and leader changes; a publish that waited
            // for its acknowledgement in vain ends in a java.util.concurrent.TimeoutException.
            if (t instanceof RetriableException || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && isTransientState(sql.getSQLState())) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null && mentionsPoolTimeout(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The narrower case of a transient failure where a dependency itself is away, not merely busy:
     * PostgreSQL unreachable, shutting down or out of connections, or Kafka not answering. A record
     * failing like this is not at fault, so a consumer waits for the dependency instead of
     * dead-lettering it. Deadlocks, serialization failures and lock or statement timeouts are
     * transient but not an outage: they can come from the record itself.
     */
    public static boolean isDependencyAway(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof RetriableException || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && isOutageState(sql.getSQLState())) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null && mentionsPoolTimeout(sql)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOutageState(String state) {
        return state != null && (state.startsWith("08") || OUTAGE_STATES.contains(state));
    }

    private static boolean isTransientState(String state) {
        return state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state));
    }

    // Agroal reports an exhausted or unreachable pool with a plain SQLException and no SQLSTATE.
    private static boolean mentionsPoolTimeout(SQLException e) {
        String message = e.getMessage();
        return message != null && message.toLowerCase().contains("acquisition timeout");
    }
}
