package dev.tenantry.dispatcher.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tenantry.dispatcher.model.WebhookEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An endpoint as clients see it; {@code secret} only in the answer that created it. */
@Schema(name = "WebhookEndpoint")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointView(
        UUID id,
        String url,
        String description,
        List<String> eventTypes,
        List<String> tenantIds,
        boolean enabled,
        String disabledReason,
        Instant disabledAt,

        @Schema(description = "Start of the current run of failed attempts")
        Instant failingSince,

        Instant createdAt,
        Instant updatedAt,

        @Schema(description = "Signing secret (whsec_...); shown only once, on creation")
        String secret) {

    static EndpointView of(WebhookEndpoint e) {
        return of(e, null);
    }

    static EndpointView of(WebhookEndpoint e, String secret) {
        return new EndpointView(
                e.id(),
                e.url(),
                e.description(),
                e.eventTypes(),
                e.tenantIds(),
                e.enabled(),
                e.disabledReason(),
                e.disabledAt(),
                e.failingSince(),
                e.createdAt(),
                e.updatedAt(),
                secret);
    }
}
