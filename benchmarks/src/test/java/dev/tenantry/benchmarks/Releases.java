package dev.tenantry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Tenant migrations as a user releases them: a {@code V<n>__<name>.sql} file dropped into the
 * folder the benchmark stack's worker reads besides its demo migrations (see BenchmarkRun).
 */
final class Releases {

    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");
    /** The worker re-reads its locations on every verify; a few seconds covers a busy machine. */
    private static final Duration PICKUP = Duration.ofMinutes(1);

    private final Path folder;
    private final FleetAdmin worker;

    Releases(BenchContext context) {
        this.folder = context.workDirectory().resolve("releases");
        this.worker = new FleetAdmin(context);
    }

    /**
     * Writes the migration after the worker's latest (so each call is a new version) and returns
     * its version once the worker lists it as its latest.
     */
    int release(String name, IntFunction<String> sql) throws IOException, InterruptedException {
        int version = worker.latestVersion() + 1;
        Files.writeString(folder.resolve("V" + version + "__" + name + ".sql"), sql.apply(version));
        long deadline = System.nanoTime() + PICKUP.toNanos();
        while (worker.latestVersion() != version) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not pick up release " + version + " in " + PICKUP);
            }
            Thread.sleep(200);
        }
        return version;
    }

    /**
     * Every script a tenant schema is made of, in version order: the demo migrations from the
     * worker's sources, then the releases written so far. Raw-SQL floors replay them to build
     * schemas of the same shape as the tenants'.
     */
    List<Script> allScripts() throws IOException {
        Path repository = Path.of(System.getProperty("tenantry.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
        List<Script> scripts =
                new ArrayList<>(scriptsIn(repository.resolve("migration-worker/src/main/resources/db/tenant")));
        scripts.addAll(scriptsIn(folder));
        scripts.sort(Comparator.comparingInt(Script::version));
        return scripts;
    }

    private static List<Script> scriptsIn(Path directory) throws IOException {
        List<Script> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Matcher m = VERSIONED.matcher(file.getFileName().toString());
                if (m.matches()) {
                    scripts.add(new Script(
                            Integer.parseInt(m.group(1)), file.getFileName().toString(), Files.readString(file)));
                }
            }
        }
        return scripts;
    }

    record Script(int version, String fileName, String sql) {}
}
