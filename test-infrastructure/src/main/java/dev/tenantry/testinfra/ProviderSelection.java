package dev.tenantry.testinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Chooses where PostgreSQL and Kafka come from.
 *
 * <ol>
 *   <li>{@code TENANTRY_TEST_PROVIDER} = embedded | testcontainers | external forces a choice;</li>
 *   <li>external, when {@code TENANTRY_TEST_POSTGRES_URL} and {@code TENANTRY_TEST_KAFKA_BOOTSTRAP}
 *       are both set;</li>
 *   <li>testcontainers, when a Docker engine answers: first a cheap look for {@code DOCKER_HOST}
 *       or a socket file, and only then Testcontainers' own check;</li>
 *   <li>embedded otherwise.</li>
 * </ol>
 */
final class ProviderSelection {

    static final String EMBEDDED = "embedded";
    static final String TESTCONTAINERS = "testcontainers";
    static final String EXTERNAL = "external";

    private ProviderSelection() {}

    /** The decision and why it was made, for the log. */
    static final class Choice {
        final String provider;
        final String reason;

        Choice(String provider, String reason) {
            this.provider = provider;
            this.reason = reason;
        }

        @Override
        public String toString() {
            return provider + " (" + reason + ")";
        }
    }

    static Choice choose() {
        return choose(Settings::get, ProviderSelection::dockerSocketHint, DockerProbe::dockerAvailable);
    }

    static Choice choose(
            Function<String, Optional<String>> settings, BooleanSupplier dockerHint, BooleanSupplier dockerAvailable) {
        Optional<String> forced = settings.apply(Settings.PROVIDER).map(s -> s.toLowerCase(Locale.ROOT));
        if (forced.isPresent()) {
            String p = forced.get();
            if (!List.of(EMBEDDED, TESTCONTAINERS, EXTERNAL).contains(p)) {
                throw new IllegalArgumentException(Settings.envName(Settings.PROVIDER) + "=" + p
                        + " is not one of embedded, testcontainers, external");
            }
            if (p.equals(EXTERNAL)
                    && (settings.apply(Settings.POSTGRES_URL).isEmpty()
                            || settings.apply(Settings.KAFKA_BOOTSTRAP).isEmpty())) {
                throw new IllegalArgumentException(
                        "the external provider needs " + Settings.envName(Settings.POSTGRES_URL) + " and "
                                + Settings.envName(Settings.KAFKA_BOOTSTRAP));
            }
            return new Choice(p, "forced by " + Settings.envName(Settings.PROVIDER));
        }
        if (settings.apply(Settings.POSTGRES_URL).isPresent()
                && settings.apply(Settings.KAFKA_BOOTSTRAP).isPresent()) {
            return new Choice(
                    EXTERNAL,
                    Settings.envName(Settings.POSTGRES_URL) + " and " + Settings.envName(Settings.KAFKA_BOOTSTRAP)
                            + " are set");
        }
        if (dockerHint.getAsBoolean() && dockerAvailable.getAsBoolean()) {
            return new Choice(TESTCONTAINERS, "a Docker engine is reachable");
        }
        return new Choice(EMBEDDED, "no external servers configured, no Docker engine");
    }

    /** Cheap: is there any sign of a Docker engine, without connecting to one? */
    static boolean dockerSocketHint() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return true;
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/var/run/docker.sock"));
        String home = System.getProperty("user.home");
        if (home != null) {
            candidates.add(Path.of(home, ".docker", "run", "docker.sock"));
            candidates.add(Path.of(home, ".docker", "desktop", "docker.sock"));
        }
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            candidates.add(Path.of(runtimeDir, "docker.sock"));
        }
        if (candidates.stream().anyMatch(Files::exists)) {
            return true;
        }
        // Testcontainers' own settings may name a remote engine.
        if (home != null) {
            Path tc = Path.of(home, ".testcontainers.properties");
            try {
                if (Files.isRegularFile(tc)) {
                    String text = Files.readString(tc);
                    return text.contains("docker.host") || text.contains("tc.host");
                }
            } catch (java.io.IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}
