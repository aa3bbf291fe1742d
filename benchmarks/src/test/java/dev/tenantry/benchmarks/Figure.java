package dev.tenantry.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One figure of a scenario, with a value per repetition. A figure is what the system does
 * ({@link Role#SYSTEM}), the physical floor the same work has on this machine measured in the same
 * run ({@link Role#FLOOR}), the system's figure against its floor ({@link Role#RATIO}), or a
 * figure that explains the others ({@link Role#INFO}).
 */
public final class Figure {

    public enum Role {
        SYSTEM,
        FLOOR,
        RATIO,
        INFO
    }

    private final String scenario;
    private final String name;
    private final String unit;
    private final Role role;
    private final Target target;
    private final List<Double> values = new ArrayList<>();

    Figure(String scenario, String name, String unit, Role role, Target target) {
        this.scenario = scenario;
        this.name = name;
        this.unit = unit;
        this.role = role;
        this.target = target;
    }

    synchronized void add(double value) {
        values.add(value);
    }

    public String scenario() {
        return scenario;
    }

    public String name() {
        return name;
    }

    public String unit() {
        return unit;
    }

    public Role role() {
        return role;
    }

    /** May be null: not every figure has a goal. */
    public Target target() {
        return target;
    }

    public synchronized List<Double> values() {
        return List.copyOf(values);
    }

    public double median() {
        List<Double> sorted = sorted();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        List<Double> sorted = sorted();
        return sorted.get(sorted.size() - 1);
    }

    /** Whether the median meets the target; null when there is no target. */
    public Boolean met() {
        return target == null ? null : target.metBy(median());
    }

    private List<Double> sorted() {
        List<Double> sorted = new ArrayList<>(values());
        if (sorted.isEmpty()) {
            throw new IllegalStateException("figure " + scenario + "/" + name + " has no value");
        }
        Collections.sort(sorted);
        return sorted;
    }

    /** Three significant digits at most, no exponent: 0.123, 12.3, 1234. */
    static String format(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || value == Math.rint(value)) {
            return String.format("%,.0f", value);
        }
        if (magnitude >= 10) {
            return String.format("%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format("%.2f", value);
        }
        return String.format("%.3f", value);
    }
}
