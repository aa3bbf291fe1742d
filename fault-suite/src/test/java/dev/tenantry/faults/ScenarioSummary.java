package dev.tenantry.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one scenario run amounts to, printed as one line and kept as JSON under
 * {@code target/fault-reports}; {@link FaultReportTable} gathers them into the suite's table.
 *
 * @param faults          what was injected, in words (e.g. "SIGKILL of the migration worker")
 * @param faultsInjected  how many times it was injected
 * @param recoverySeconds from the end of the last fault until the system had settled (or answered
 *                        again); negative when the scenario measures no recovery
 * @param seed            repeats the run's random choices; 0 when the scenario draws none
 */
record ScenarioSummary(
        String scenario,
        String faults,
        int faultsInjected,
        int tenants,
        int violations,
        int deadLetters,
        double recoverySeconds,
        long seed) {

    String line() {
        return String.format(
                "[fault-suite] scenario=%s faults=%d (%s) tenants=%d violations=%d deadLetters=%d "
                        + "recovery=%s seed=%d",
                scenario,
                faultsInjected,
                faults,
                tenants,
                violations,
                deadLetters,
                recoverySeconds < 0 ? "-" : String.format("%.1fs", recoverySeconds),
                seed);
    }

    /** Writes {@code fault-reports/<scenario>.json} under the module's target folder. */
    Path write() throws IOException {
        Path folder = reportFolder();
        Files.createDirectories(folder);
        Path file = folder.resolve(scenario + ".json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
        return file;
    }

    static Path reportFolder() {
        return Path.of(System.getProperty("fault-suite.target", "target")).resolve("fault-reports");
    }
}
