package dev.tenantry.benchmarks;

import dev.tenantry.faults.RunningSystem;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a scenario gets: the running system, an HTTP client holding the stack's token, where its
 * figures go, and the run's size (quick or full) and number of repetitions.
 */
public final class BenchContext {

    private final RunningSystem system;
    private final ServiceClient client;
    private final Figures figures;
    private final boolean quick;
    private final int repeats;
    private final Path workDirectory;
    private final AtomicLong slugs = new AtomicLong();
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

    BenchContext(
            RunningSystem system,
            ServiceClient client,
            Figures figures,
            boolean quick,
            int repeats,
            Path workDirectory) {
        this.system = system;
        this.client = client;
        this.figures = figures;
        this.quick = quick;
        this.repeats = repeats;
        this.workDirectory = workDirectory;
    }

    public RunningSystem system() {
        return system;
    }

    public ServiceClient client() {
        return client;
    }

    public Figures figures() {
        return figures;
    }

    /** {@code --quick}: every size cut down so the whole run takes minutes; figures are indicative only. */
    public boolean quick() {
        return quick;
    }

    public int repeats() {
        return repeats;
    }

    /** The full size, or the quick one in a quick run. */
    public int size(int full, int quickSize) {
        return quick ? quickSize : full;
    }

    /** A folder of the run's own (e.g. for a migrations location). */
    public Path workDirectory() {
        return workDirectory;
    }

    /** A tenant slug no other tenant of this run has: {@code <prefix>_<run>_<n>} (slugs allow no hyphen). */
    public String slug(String prefix) {
        return prefix + "_" + runId + "_" + slugs.incrementAndGet();
    }
}
