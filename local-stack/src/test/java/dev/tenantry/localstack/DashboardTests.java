package dev.tenantry.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard queries only series the services really publish: meter names are read
 * from the Micrometer builders in the code and turned into Prometheus names (dots become
 * underscores, counters end in _total, timers in _seconds_bucket/_count/_sum/_max).
 */
class DashboardTests {

    private static final Path REPO = ComposeFileTests.REPO;
    private static final Pattern BUILDER = Pattern.compile(
            "(Counter|Gauge|Timer|DistributionSummary)\\.builder\\(\\s*\"([^\"]+)\"(.*?)\\.register\\(",
            Pattern.DOTALL);
    private static final Pattern SERIES = Pattern.compile("\\btenantry_[a-z0-9_]+");

    @Test
    void everyTenantrySeriesInTheDashboardIsPublishedByAService() throws IOException {
        Set<String> published = publishedSeries();
        assertThat(published).contains("tenantry_tenants", "tenantry_tenants_behind", "tenantry_dlq_records_total");
        Set<String> queried = new TreeSet<>();
        for (String expression : expressions(dashboard())) {
            Matcher series = SERIES.matcher(expression);
            while (series.find()) {
                queried.add(series.group());
            }
        }
        assertThat(queried).isNotEmpty();
        assertThat(published).as("series the services publish").containsAll(queried);
    }

    @Test
    void theDashboardCoversWhatOperatorsWatch() throws IOException {
        String expressions = String.join("\n", expressions(dashboard()));
        assertThat(expressions)
                .contains("by (status) (tenantry_tenants)")
                .contains("tenantry_provisioning_latency_seconds_bucket")
                .contains("tenantry_tenants_behind")
                .contains("tenantry_dlq_records_total")
                .contains("tenantry_webhook_deliveries_total")
                .contains("tenantry_outbox_relay_lag_seconds");
    }

    @Test
    void panelsUseTheProvisionedDatasourceAndDoNotOverlap() throws IOException {
        JsonNode datasources = new ObjectMapper(new YAMLFactory())
                .readTree(REPO.resolve("ops/grafana/provisioning/datasources/prometheus.yml")
                        .toFile());
        String uid = datasources.path("datasources").get(0).path("uid").asText();
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("uid").asText()).isEqualTo("tenantry");
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("datasource").path("uid").asText())
                        .as(panel.path("title").asText())
                        .isEqualTo(uid);
            }
            JsonNode g = panel.path("gridPos");
            int[] box = {
                g.path("x").asInt(),
                g.path("y").asInt(),
                g.path("w").asInt(),
                g.path("h").asInt()
            };
            assertThat(box[0] + box[2]).as(panel.path("title").asText()).isLessThanOrEqualTo(24);
            for (int[] other : boxes) {
                boolean overlap = box[0] < other[0] + other[2]
                        && other[0] < box[0] + box[2]
                        && box[1] < other[1] + other[3]
                        && other[1] < box[1] + box[3];
                assertThat(overlap)
                        .as(panel.path("title").asText() + " overlaps another panel")
                        .isFalse();
            }
            boxes.add(box);
        }
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper()
                .readTree(REPO.resolve("ops/grafana/dashboards/tenantry.json").toFile());
    }

    private static List<String> expressions(JsonNode dashboard) {
        List<String> expressions = new ArrayList<>();
        dashboard
                .path("panels")
                .forEach(p -> p.path("targets")
                        .forEach(t -> expressions.add(t.path("expr").asText())));
        return expressions;
    }

    /** Prometheus series names of every meter built in the modules' main code. */
    static Set<String> publishedSeries() throws IOException {
        Set<String> series = new TreeSet<>();
        List<Path> sourceRoots;
        try (Stream<Path> modules = Files.list(REPO)) {
            sourceRoots = modules.map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .toList();
        }
        for (Path root : sourceRoots) {
            List<Path> sources;
            try (Stream<Path> files = Files.walk(root)) {
                sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            }
            for (Path file : sources) {
                Matcher builder = BUILDER.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (builder.find()) {
                    String base = builder.group(2).replace('.', '_');
                    boolean seconds = builder.group(3).contains("baseUnit(\"seconds\")");
                    switch (builder.group(1)) {
                        case "Counter" -> series.add(base + "_total");
                        case "Timer" ->
                            Stream.of("_count", "_sum", "_max", "_bucket")
                                    .forEach(s -> series.add(base + "_seconds" + s));
                        case "DistributionSummary" ->
                            Stream.of("_count", "_sum", "_max", "_bucket").forEach(s -> series.add(base + s));
                        default -> series.add(seconds ? base + "_seconds" : base);
                    }
                }
            }
        }
        return series;
    }
}
