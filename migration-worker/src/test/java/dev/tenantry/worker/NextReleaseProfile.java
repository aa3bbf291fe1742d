package dev.tenantry.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo migrations plus a filesystem location, as a real user would configure it, into which
 * a test drops the next release's migration while the worker runs.
 */
public class NextReleaseProfile implements QuarkusTestProfile {

    public static final Path RELEASE_DIR = Path.of("target", "it-next-release").toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(RELEASE_DIR);
            try (Stream<Path> files = Files.list(RELEASE_DIR)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "tenantry.worker.tenant-migrations.locations",
                "classpath:db/tenant,filesystem:" + RELEASE_DIR,
                "tenantry.worker.drift.fleet-parallelism",
                "2");
    }
}
