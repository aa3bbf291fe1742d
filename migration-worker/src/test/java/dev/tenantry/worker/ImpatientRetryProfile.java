package dev.tenantry.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Gives up on transient failures quickly and allows one replay, to exercise the dead-letter path. */
public class ImpatientRetryProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tenantry.worker.retry.max-attempts",
                "2",
                "tenantry.worker.retry.initial-backoff",
                "100ms",
                "tenantry.worker.retry.max-backoff",
                "100ms",
                "tenantry.dead-letters.max-replays",
                "1",
                // Dead-letters a request failing during an outage at once, instead of waiting for PostgreSQL.
                "tenantry.messaging.consumers.outage-patience",
                "0s");
    }
}
