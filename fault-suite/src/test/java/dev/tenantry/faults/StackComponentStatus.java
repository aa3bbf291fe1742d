package dev.tenantry.faults;

import com.fasterxml.jackson.databind.JsonNode;

/** One component as {@code ./tenantry status --json} lists it. */
public record StackComponentStatus(String name, String state, Long pid, boolean ready, int restarts) {

    public static StackComponentStatus of(JsonNode component) {
        JsonNode pid = component.path("pid");
        return new StackComponentStatus(
                component.path("name").asText(),
                component.path("state").asText(),
                pid.canConvertToLong() ? pid.asLong() : null,
                component.path("ready").asBoolean(),
                component.path("restarts").asInt());
    }

    /** Alive and ready: what the supervisor reports once a restarted part serves again. */
    public boolean running() {
        return state.equals("running") && ready && pid != null;
    }
}
