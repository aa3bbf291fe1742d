package dev.tenantry.dispatcher.model;

import java.time.Instant;
import java.util.UUID;

/** One event on its way to one endpoint, as kept in {@code webhook_delivery} (payload left out). */
public record Delivery(
        UUID id,
        String eventId,
        UUID endpointId,
        String tenantId,
        String eventType,
        DeliveryStatus status,
        int attemptCount,
        Instant nextAttemptAt,
        Instant lastAttemptAt,
        Integer lastResponseStatus,
        String lastError,
        Instant createdAt,
        Instant deliveredAt) {}
