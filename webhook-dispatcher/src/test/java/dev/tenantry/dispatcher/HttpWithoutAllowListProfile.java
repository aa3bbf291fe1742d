package dev.tenantry.dispatcher;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Plain http allowed, no internal range the tests reach allowed: what is refused is refused for
 * its address. As in {@link NoAllowListProfile}, the %test 127.0.0.0/8 is replaced by
 * documentation space (192.0.2.0/24), which no test address falls in.
 */
public class HttpWithoutAllowListProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tenantry.dispatcher.allow-http", "true", "tenantry.dispatcher.ssrf.allowed-cidrs", "192.0.2.0/24");
    }
}
