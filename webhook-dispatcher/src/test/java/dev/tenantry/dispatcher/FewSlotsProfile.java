package dev.tenantry.dispatcher;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.time.Duration;
import java.util.Map;

/**
 * Few request slots, so that one endpoint could take them all: 4 per instance, 2 per endpoint.
 * The 5 s request timeout leaves the healthy endpoint's deliveries a clear window before the
 * hanging endpoint's first request gives up.
 */
public class FewSlotsProfile implements QuarkusTestProfile {

    static final int PER_ENDPOINT = 2;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tenantry.dispatcher.delivery.max-concurrency",
                "4",
                "tenantry.dispatcher.delivery.per-endpoint-concurrency",
                String.valueOf(PER_ENDPOINT),
                "tenantry.dispatcher.delivery.request-timeout",
                REQUEST_TIMEOUT.toSeconds() + "s");
    }
}
