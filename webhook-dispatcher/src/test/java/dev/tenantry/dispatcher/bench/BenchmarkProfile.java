package dev.tenantry.dispatcher.bench;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Production delivery settings (schedule, timeouts, concurrency), with the loopback receiver allowed. */
public class BenchmarkProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tenantry.dispatcher.delivery.retry-schedule", "0s,5s,5m,30m,2h,5h,10h,10h",
                "tenantry.dispatcher.delivery.jitter", "0.2",
                "tenantry.dispatcher.delivery.poll-interval", "500ms",
                "tenantry.dispatcher.delivery.per-endpoint-concurrency", "16",
                "tenantry.dispatcher.delivery.connect-timeout", "5s",
                "tenantry.dispatcher.delivery.request-timeout", "15s",
                "tenantry.dispatcher.auto-disable.check-interval", "1m",
                "quarkus.log.category.\"dev.tenantry.dispatcher.service.EndpointService\".level", "WARN");
    }
}
