package dev.tenantry.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What one scenario run amounts to, printed as one line and kept as JSON under target/fault-reports. */
record ScenarioSummary(String scenario, long seed, int tenants, int doomedTenants, int kills, int violations,
                       int deadLetters, double secondsSettledAfterLastKill) {

    String line() {
        return String.format("[fault-suite] scenario=%s tenants=%d (doomed %d) kills=%d violations=%d "
                        + "deadLetters=%d settledAfterLastKill=%.1fs seed=%d", scenario, tenants, doomedTenants, kills,
                violations, deadLetters, secondsSettledAfterLastKill, seed);
    }

    Path write(Path target) throws IOException {
        Path folder = target.resolve("fault-reports");
        Files.createDirectories(folder);
        Path file = folder.resolve(scenario + ".json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
        return file;
    }
}
