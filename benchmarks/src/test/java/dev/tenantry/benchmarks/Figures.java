package dev.tenantry.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure of a run, in the order the scenarios first recorded them. */
public final class Figures {

    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Map<String, List<String>> notes = new LinkedHashMap<>();

    /** Adds one repetition's value; the first call fixes the figure's unit, role and target. */
    public synchronized void record(
            String scenario, String name, String unit, Figure.Role role, Target target, double value) {
        figures.computeIfAbsent(scenario + "\u0000" + name, k -> new Figure(scenario, name, unit, role, target))
                .add(value);
    }

    public void system(String scenario, String name, String unit, Target target, double value) {
        record(scenario, name, unit, Figure.Role.SYSTEM, target, value);
    }

    public void floor(String scenario, String name, String unit, double value) {
        record(scenario, name, unit, Figure.Role.FLOOR, null, value);
    }

    public void ratio(String scenario, String name, Target target, double value) {
        record(scenario, name, "×", Figure.Role.RATIO, target, value);
    }

    public void info(String scenario, String name, String unit, double value) {
        record(scenario, name, unit, Figure.Role.INFO, null, value);
    }

    /** A sentence printed under the scenario's figures (e.g. what limits a figure). */
    public synchronized void note(String scenario, String text) {
        notes.computeIfAbsent(scenario, k -> new ArrayList<>()).add(text);
    }

    synchronized void failed(String scenario, String reason) {
        failures.put(scenario, reason);
    }

    public synchronized List<Figure> all() {
        return List.copyOf(figures.values());
    }

    public synchronized Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    public synchronized Map<String, List<String>> notes() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        notes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }
}
