package dev.tenantry.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The demo migrations plus a fourth one that fails. */
public class BrokenReleaseProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tenantry.worker.tenant-migrations.locations",
                "classpath:db/tenant,classpath:db/tenant-broken-release");
    }
}
