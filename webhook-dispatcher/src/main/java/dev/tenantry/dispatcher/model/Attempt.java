package dev.tenantry.dispatcher.model;

import java.time.Instant;
import java.util.UUID;

/**
 * One HTTP request of a delivery, as logged in {@code webhook_attempt}.
 *
 * @param responseStatus null when no response came (timeout, connection error, refused URL)
 * @param responseBody   the first 4 KB of the response body, as text
 */
public record Attempt(
        long id,
        UUID deliveryId,
        int attemptNumber,
        Instant attemptedAt,
        Integer responseStatus,
        long durationMs,
        String error,
        String responseBody) {}
