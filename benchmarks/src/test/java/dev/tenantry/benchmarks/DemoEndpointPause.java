package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The local stack registers its demo receiver for every tenant's events. Left enabled it would
 * get one more delivery per benchmark event, sent to a receiver that logs each one, so it is
 * disabled for the scenario and enabled again afterwards.
 */
final class DemoEndpointPause implements AutoCloseable {

    private final WebhookEndpoints endpoints;
    private final List<JsonNode> paused;

    private DemoEndpointPause(WebhookEndpoints endpoints, List<JsonNode> paused) {
        this.endpoints = endpoints;
        this.paused = paused;
    }

    static DemoEndpointPause pause(WebhookEndpoints endpoints, String demoReceiverUrl) throws Exception {
        List<JsonNode> paused = new ArrayList<>();
        for (JsonNode endpoint : endpoints.withUrl(demoReceiverUrl)) {
            if (endpoint.path("enabled").asBoolean(true)) {
                endpoints.setEnabled(endpoint, false);
                paused.add(endpoint);
            }
        }
        return new DemoEndpointPause(endpoints, paused);
    }

    int count() {
        return paused.size();
    }

    @Override
    public void close() throws Exception {
        for (JsonNode endpoint : paused) {
            endpoints.setEnabled(endpoint, true);
        }
    }
}
