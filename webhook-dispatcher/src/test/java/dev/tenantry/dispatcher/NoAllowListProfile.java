package dev.tenantry.dispatcher;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The production SSRF stance: https only, no internal range allowed (192.0.2.0/24 is documentation space). */
public class NoAllowListProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tenantry.dispatcher.allow-http", "false", "tenantry.dispatcher.ssrf.allowed-cidrs", "192.0.2.0/24");
    }
}
