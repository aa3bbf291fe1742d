package dev.tenantry.benchmarks;

/**
 * One headline figure of Tenantry and its floor. A scenario measures both in the same run,
 * {@link BenchContext#repeats()} times, and records every value in {@link BenchContext#figures()}.
 */
public interface Scenario {

    /** Short name used in the table, the JSON and {@code --only} (e.g. {@code burst}). */
    String id();

    /** One line: what is measured and against what. */
    String title();

    void run(BenchContext context) throws Exception;
}
