package dev.tenantry.provisioning;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The service without its own relay: the relay tests run their own instances. */
public class RelayDisabledProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("tenantry.provisioning.relay.enabled", "false");
    }
}
