package dev.tenantry.support.security;

import io.quarkus.runtime.configuration.ConfigUtils;
import java.util.List;

/**
 * Whether the service runs in a profile that may trust the keys published in this repository (the
 * development token key, the dispatcher's development secret key): only {@code dev} and
 * {@code test}. Every other profile, {@code prod} above all, must be given keys of its own.
 */
public final class DevelopmentMode {

    private static final List<String> TRUSTING_PROFILES = List.of("dev", "test");

    private DevelopmentMode() {}

    public static boolean trustsPublishedKeys() {
        return ConfigUtils.getProfiles().stream().anyMatch(TRUSTING_PROFILES::contains);
    }
}
