package dev.tenantry.faults;

import java.util.Random;

/** The {@code -Dtenantry.faults.*} settings scenarios read: sizes, and the seed that repeats a run. */
final class ScenarioProperties {

    private ScenarioProperties() {}

    /** The property's value, or {@code fallback} when it is unset or blank (the pom passes empty values). */
    static int intProperty(String name, int fallback) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }

    /** {@code -Dtenantry.faults.seed}, or a new random seed (print it, so that the run can be repeated). */
    static long seed() {
        String value = System.getProperty("tenantry.faults.seed", "");
        return value.isBlank() ? new Random().nextLong() : Long.parseLong(value.strip());
    }
}
