package dev.tenantry.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * The suite's summary table: when the test run ends, every scenario summary written during it
 * (see {@link ScenarioSummary#write()}) is printed as one table and kept together as
 * {@code fault-reports/summary.json}. Registered through {@code META-INF/services}, so it runs
 * under failsafe and in an IDE alike. Reports of earlier runs in the same folder are left out.
 */
public final class FaultReportTable implements TestExecutionListener {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Instant started = Instant.now();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        started = Instant.now();
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        List<ScenarioSummary> summaries = summariesSince(started);
        if (summaries.isEmpty()) {
            return;
        }
        System.out.println(table(summaries));
        try {
            JSON.writerWithDefaultPrettyPrinter()
                    .writeValue(
                            ScenarioSummary.reportFolder()
                                    .resolve("summary.json")
                                    .toFile(),
                            summaries);
        } catch (IOException e) {
            System.out.println("[fault-suite] could not write summary.json: " + e);
        }
    }

    static String table(List<ScenarioSummary> summaries) {
        StringBuilder out = new StringBuilder("[fault-suite] summary\n");
        String row = "| %-40s | %-62s | %6s | %7s | %10s | %12s | %8s |%n";
        out.append(String.format(
                row, "scenario", "faults injected", "count", "tenants", "violations", "dead letters", "recovery"));
        out.append(String.format(
                row,
                "-".repeat(40),
                "-".repeat(62),
                "-".repeat(6),
                "-".repeat(7),
                "-".repeat(10),
                "-".repeat(12),
                "-".repeat(8)));
        for (ScenarioSummary s : summaries) {
            out.append(String.format(
                    row,
                    s.scenario(),
                    abbreviate(s.faults(), 62),
                    s.faultsInjected(),
                    s.tenants(),
                    s.violations(),
                    s.deadLetters(),
                    s.recoverySeconds() < 0 ? "-" : String.format("%.1fs", s.recoverySeconds())));
        }
        return out.toString();
    }

    private static String abbreviate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    private static List<ScenarioSummary> summariesSince(Instant since) {
        Path folder = ScenarioSummary.reportFolder();
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<ScenarioSummary> summaries = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("summary.json"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList()) {
                if (Files.getLastModifiedTime(file).toInstant().isAfter(since)) {
                    summaries.add(JSON.readValue(file.toFile(), ScenarioSummary.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return summaries;
    }
}
