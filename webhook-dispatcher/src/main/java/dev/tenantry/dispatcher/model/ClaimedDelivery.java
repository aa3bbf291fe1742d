package dev.tenantry.dispatcher.model;

import java.util.UUID;

/**
 * A delivery this instance claimed and now sends.
 *
 * @param claimToken proves the claim when the result is written; a claim that expired and was
 *                   taken over by another instance no longer matches
 * @param schedulePosition attempts made since the delivery was last (re)queued
 */
public record ClaimedDelivery(
        UUID id,
        String eventId,
        UUID endpointId,
        String url,
        String payload,
        int attemptCount,
        int schedulePosition,
        long claimToken) {}
