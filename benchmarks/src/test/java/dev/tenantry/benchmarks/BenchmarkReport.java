package dev.tenantry.benchmarks;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's figures three ways: a plain-text table for the console, {@code latest.md} (the same
 * table in Markdown), {@code latest.json} (every value of every repetition) and
 * {@code latest.svg} (a bar per figure: median, with min and max as a whisker, and the target).
 */
final class BenchmarkReport {

    private static final Map<Figure.Role, String> COLOURS = Map.of(
            Figure.Role.SYSTEM,
            "#2b6cb0",
            Figure.Role.FLOOR,
            "#718096",
            Figure.Role.RATIO,
            "#c05621",
            Figure.Role.INFO,
            "#a0aec0");

    private final Map<String, String> machine;
    private final List<Scenario> scenarios;
    private final Figures figures;

    BenchmarkReport(Map<String, String> machine, List<Scenario> scenarios, Figures figures) {
        this.machine = machine;
        this.scenarios = scenarios;
        this.figures = figures;
    }

    String table() {
        StringBuilder out = new StringBuilder("\n");
        machine.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        String format = "%-58s %-8s %10s %10s %10s %3s %-10s %s%n";
        for (String scenario : scenarioIds()) {
            out.append('\n')
                    .append(scenario)
                    .append(" — ")
                    .append(title(scenario))
                    .append('\n');
            out.append(String.format(format, "figure", "role", "median", "min", "max", "n", "target", ""));
            for (Figure f : of(scenario)) {
                out.append(String.format(
                        format,
                        f.name() + " (" + f.unit() + ")",
                        role(f),
                        Figure.format(f.median()),
                        Figure.format(f.min()),
                        Figure.format(f.max()),
                        f.values().size(),
                        f.target() == null ? "" : f.target().toString(),
                        verdict(f)));
            }
            notesAndFailure(scenario, out, "  ");
        }
        return out.toString();
    }

    void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("latest.md"), markdown());
        Files.writeString(folder.resolve("latest.svg"), svg());
        ServiceClient.JSON
                .copy()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(folder.resolve("latest.json").toFile(), json());
    }

    private String markdown() {
        StringBuilder out = new StringBuilder("# Latest benchmark run\n\n");
        out.append("Written by `./tenantry bench`; see [README.md](README.md) for what each figure means.\n\n");
        out.append("| Machine and run | |\n|---|---|\n");
        machine.forEach(
                (k, v) -> out.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        out.append("\n![figures](latest.svg)\n");
        for (String scenario : scenarioIds()) {
            out.append("\n## ")
                    .append(scenario)
                    .append(": ")
                    .append(title(scenario))
                    .append("\n\n");
            out.append("| Figure | Role | Median | Min | Max | n | Target | |\n|---|---|--:|--:|--:|--:|---|---|\n");
            for (Figure f : of(scenario)) {
                out.append("| ")
                        .append(f.name())
                        .append(" (")
                        .append(f.unit())
                        .append(") | ")
                        .append(role(f))
                        .append(" | ")
                        .append(Figure.format(f.median()))
                        .append(" | ")
                        .append(Figure.format(f.min()))
                        .append(" | ")
                        .append(Figure.format(f.max()))
                        .append(" | ")
                        .append(f.values().size())
                        .append(" | ")
                        .append(f.target() == null ? "" : f.target())
                        .append(" | ")
                        .append(verdict(f))
                        .append(" |\n");
            }
            StringBuilder notes = new StringBuilder();
            notesAndFailure(scenario, notes, "- ");
            if (notes.length() > 0) {
                out.append('\n').append(notes);
            }
        }
        return out.toString();
    }

    private ObjectNode json() {
        ObjectNode root = ServiceClient.JSON.createObjectNode();
        ObjectNode machineNode = root.putObject("machine");
        machine.forEach(machineNode::put);
        ArrayNode list = root.putArray("figures");
        for (Figure f : figures.all()) {
            ObjectNode node = list.addObject();
            node.put("scenario", f.scenario())
                    .put("figure", f.name())
                    .put("unit", f.unit())
                    .put("role", f.role().name().toLowerCase())
                    .put("median", f.median())
                    .put("min", f.min())
                    .put("max", f.max());
            if (f.target() != null) {
                node.put("target", f.target().toString()).put("met", f.met());
            }
            ArrayNode values = node.putArray("values");
            f.values().forEach(values::add);
        }
        ObjectNode failed = root.putObject("failures");
        figures.failures().forEach(failed::put);
        ObjectNode notes = root.putObject("notes");
        figures.notes().forEach((k, v) -> v.forEach(notes.withArray(k)::add));
        return root;
    }

    /**
     * One row per figure. Bars of a scenario that share a unit share a scale, so a figure and its
     * floor can be compared by eye; the red tick is the target.
     */
    private String svg() {
        int width = 1100;
        int labelWidth = 470;
        int barWidth = 440;
        int rowHeight = 20;
        StringBuilder rows = new StringBuilder();
        int y = 40;
        for (String scenario : scenarioIds()) {
            y += 10;
            rows.append(text(10, y + 4, shorten(scenario + " — " + title(scenario), 120), "bold", 13));
            y += rowHeight;
            Map<String, Double> scale = new LinkedHashMap<>();
            for (Figure f : of(scenario)) {
                double top =
                        Math.max(f.max(), f.target() == null ? 0 : f.target().bound());
                scale.merge(scaleKey(f), top, Math::max);
            }
            for (Figure f : of(scenario)) {
                double full = scale.get(scaleKey(f)) <= 0 ? 1 : scale.get(scaleKey(f));
                int x0 = labelWidth;
                rows.append(text(20, y + 4, f.name() + " (" + f.unit() + ")", "normal", 11));
                int bar = (int) Math.round(barWidth * Math.max(0, f.median()) / full);
                rows.append(String.format(
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"12\" fill=\"%s\"/>%n",
                        x0, y - 6, Math.max(bar, 1), COLOURS.get(f.role())));
                int lo = x0 + (int) Math.round(barWidth * Math.max(0, f.min()) / full);
                int hi = x0 + (int) Math.round(barWidth * Math.max(0, f.max()) / full);
                rows.append(String.format(
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1a202c\"/>%n", lo, y, hi, y));
                if (f.target() != null) {
                    int tx = x0 + (int) Math.round(barWidth * f.target().bound() / full);
                    rows.append(String.format(
                            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e53e3e\" "
                                    + "stroke-width=\"2\"/>%n",
                            tx, y - 8, tx, y + 8));
                }
                rows.append(text(
                        x0 + barWidth + 12,
                        y + 4,
                        Figure.format(f.median()) + " " + f.unit() + " " + verdict(f),
                        "normal",
                        11));
                y += rowHeight;
            }
        }
        StringBuilder legend = new StringBuilder();
        int lx = 10;
        for (Figure.Role role : Figure.Role.values()) {
            legend.append(String.format(
                    "<rect x=\"%d\" y=\"12\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", lx, COLOURS.get(role)));
            legend.append(text(lx + 16, 22, role(role), "normal", 11));
            lx += 110;
        }
        legend.append(String.format(
                "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"26\" stroke=\"#e53e3e\" stroke-width=\"2\"/>%n", lx, lx));
        legend.append(text(
                lx + 6,
                22,
                "target;  whisker: min–max of " + machine.get("repeats") + " repetitions; " + machine.get("cores")
                        + " cores, commit " + machine.get("commit"),
                "normal",
                11));
        return String.format(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n%s%s</svg>%n",
                width, y + 10, legend, rows);
    }

    /** Details (CPU, hops) explain, they are not compared with the headline: a scale of their own. */
    private static String scaleKey(Figure f) {
        return f.role() == Figure.Role.INFO ? "detail " + f.unit() : f.unit();
    }

    private static String text(int x, int y, String content, String weight, int size) {
        String escaped = content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return String.format(
                "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n", x, y, size, weight, escaped);
    }

    private static String shorten(String line, int max) {
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    private void notesAndFailure(String scenario, StringBuilder out, String prefix) {
        for (String note : figures.notes().getOrDefault(scenario, List.of())) {
            out.append(prefix).append(note).append('\n');
        }
        String failure = figures.failures().get(scenario);
        if (failure != null) {
            out.append(prefix).append("FAILED: ").append(failure).append('\n');
        }
    }

    private List<String> scenarioIds() {
        List<String> ids = new ArrayList<>();
        for (Scenario s : scenarios) {
            ids.add(s.id());
        }
        for (Figure f : figures.all()) {
            if (!ids.contains(f.scenario())) {
                ids.add(f.scenario());
            }
        }
        return ids;
    }

    private String title(String id) {
        return scenarios.stream()
                .filter(s -> s.id().equals(id))
                .map(Scenario::title)
                .findFirst()
                .orElse("");
    }

    private List<Figure> of(String scenario) {
        return figures.all().stream().filter(f -> f.scenario().equals(scenario)).toList();
    }

    private static String role(Figure f) {
        return role(f.role());
    }

    private static String role(Figure.Role role) {
        return switch (role) {
            case SYSTEM -> "Tenantry";
            case FLOOR -> "floor";
            case RATIO -> "ratio";
            case INFO -> "detail";
        };
    }

    private static String verdict(Figure f) {
        Boolean met = f.met();
        return met == null ? "" : met ? "met" : "MISSED";
    }
}
