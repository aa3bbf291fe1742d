package dev.tenantry.benchmarks;

/** A goal a figure is held to: at most or at least a bound, in the figure's unit. */
public record Target(boolean atMost, double bound) {

    public static Target atMost(double bound) {
        return new Target(true, bound);
    }

    public static Target atLeast(double bound) {
        return new Target(false, bound);
    }

    public boolean metBy(double value) {
        return atMost ? value <= bound : value >= bound;
    }

    @Override
    public String toString() {
        return (atMost ? "≤ " : "≥ ") + Figure.format(bound);
    }
}
