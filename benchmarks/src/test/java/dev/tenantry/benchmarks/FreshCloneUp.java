package dev.tenantry.benchmarks;

import dev.tenantry.faults.StackPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a new user waits for: {@code ./tenantry up} in a fresh clone of the repository's HEAD, which
 * builds every module ({@code mvn -B -q install -DskipTests}, the command {@code ./tenantry} runs
 * when jars are missing) and then starts the stack, until it prints that Tenantry is up. The two
 * halves are timed apart: the build, then {@code ./tenantry up} with the jars built. Ports are
 * picked after the build (picked before it, minutes earlier, another process may hold them by
 * then). The clone's stack runs beside the benchmark's and is stopped with {@code ./tenantry down}.
 */
final class FreshCloneUp {

    private FreshCloneUp() {}

    /** Seconds of the build and of the start, in a new clone under {@code work}. */
    record Timing(double buildSeconds, double upSeconds) {
        double total() {
            return buildSeconds + upSeconds;
        }
    }

    static Timing measure(Path work) throws Exception {
        Path root = Path.of(System.getProperty("tenantry.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
        Path clone = work.resolve("fresh-clone");
        deleteTree(clone);
        run(List.of("git", "clone", "--quiet", root.toString(), clone.toString()), work);
        Path log = work.resolve("fresh-clone-up.log");
        long buildStart = System.nanoTime();
        run(List.of("mvn", "-B", "-q", "install", "-DskipTests"), clone);
        double build = (System.nanoTime() - buildStart) / 1e9;
        List<String> up = new ArrayList<>(List.of("./tenantry", "up", "--fresh"));
        up.addAll(StackPorts.pick().upArguments());
        long start = System.nanoTime();
        Process process = new ProcessBuilder(up)
                .directory(clone.toFile())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder transcript = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null) {
                transcript.append(line).append('\n');
                if (line.startsWith("Tenantry is up")) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Files.writeString(log, transcript);
                    run(List.of("./tenantry", "down"), clone);
                    process.waitFor(3, TimeUnit.MINUTES);
                    return new Timing(build, seconds);
                }
            }
            Files.writeString(log, transcript);
            throw new IllegalStateException("./tenantry up in a fresh clone ended without starting; see " + log);
        } finally {
            process.destroyForcibly();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void run(List<String> command, Path directory) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
