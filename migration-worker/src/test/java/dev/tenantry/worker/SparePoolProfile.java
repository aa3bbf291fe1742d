package dev.tenantry.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The spare pool on (the other tests run without it, so they exercise the build paths). */
public class SparePoolProfile implements QuarkusTestProfile {

    static final int SIZE = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tenantry.worker.spare-pool.size",
                Integer.toString(SIZE),
                "tenantry.worker.spare-pool.refill-interval",
                "200ms");
    }
}
