package dev.tenantry.dispatcher.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A subscriber's URL and what it wants to receive.
 *
 * @param eventTypes CloudEvents types it receives; empty = every lifecycle event
 * @param tenantIds  tenants it receives events of; empty = every tenant
 * @param failingSince start of the current run of failed attempts, null when the last one succeeded
 */
public record WebhookEndpoint(
        UUID id,
        String url,
        String description,
        List<String> eventTypes,
        List<String> tenantIds,
        boolean enabled,
        String disabledReason,
        Instant disabledAt,
        Instant failingSince,
        Instant createdAt,
        Instant updatedAt) {

    public WebhookEndpoint {
        eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
        tenantIds = tenantIds == null ? List.of() : List.copyOf(tenantIds);
    }
}
