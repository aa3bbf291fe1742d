package dev.tenantry.dispatcher.model;

import java.time.Duration;
import java.time.Instant;

/**
 * What one HTTP request achieved, before it is written down.
 *
 * @param status     the response status, null when there was no response
 * @param retryAfter what the receiver's Retry-After header asked for, null when absent
 * @param error      why there was no (acceptable) response, null on success
 */
public record AttemptResult(
        Instant startedAt,
        long durationMs,
        Integer status,
        String responseBody,
        Duration retryAfter,
        String error,
        Kind kind) {

    /** How the dispatcher reacts to an attempt. */
    public enum Kind {
        /** 2xx: delivered. */
        SUCCESS,
        /** 410 Gone: the receiver asks to be removed; the endpoint is disabled. */
        GONE,
        /** Any other status, a timeout or a connection error: try again on the schedule. */
        RETRYABLE,
        /** The URL may not be called (refused address or scheme); retrying cannot help. */
        REFUSED
    }

    public boolean succeeded() {
        return kind == Kind.SUCCESS;
    }
}
