package dev.tenantry.dispatcher.rest;

import dev.tenantry.dispatcher.model.EndpointSpec;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of POST and PUT /webhook-endpoints. */
@Schema(name = "WebhookEndpointRequest")
public record EndpointRequest(
        @Schema(
                required = true,
                description = "https URL that receives the events",
                example = "https://example.com/hooks/tenantry")
        String url,

        @Schema(description = "Free text for people") String description,

        @Schema(description = "CloudEvents types to receive; empty or absent = every lifecycle event")
        List<String> eventTypes,

        @Schema(description = "Tenant ids to receive events of; empty or absent = every tenant")
        List<String> tenantIds,

        @Schema(description = "false disables the endpoint, true enables a disabled one; absent leaves it as it is")
        Boolean enabled) {

    EndpointSpec toSpec() {
        return new EndpointSpec(url, description, eventTypes, tenantIds, enabled);
    }
}
