package dev.tenantry.tenantctl.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How long one tenantctl invocation takes as a script sees it: a new JVM through the launcher
 * script, for {@code --version} (start-up only) and for {@code health} against a closed port
 * (start-up, HTTP client, JSON output). Not a test: prints figures.
 *
 * <pre>mvn -B -q -pl tenantctl package -DskipTests
 * mvn -B -q -pl tenantctl org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.mainClass=dev.tenantry.tenantctl.bench.StartupBenchmark \
 *     -Dexec.classpathScope=test [-Dexec.args=20]</pre>
 */
public final class StartupBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path launcher = Path.of("bin", "tenantctl");
        if (!Files.exists(Path.of("target", "tenantctl.jar"))) {
            throw new IllegalStateException("build target/tenantctl.jar first (mvn -pl tenantctl package)");
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        measure("tenantctl --version", runs, List.of("sh", launcher.toString(), "--version"));
        measure("tenantctl health --json (nothing listening)", runs, List.of("sh", launcher.toString(), "health",
                "--json", "--service", "worker", "--worker-url", "http://127.0.0.1:" + closed));
    }

    private static void measure(String label, int runs, List<String> command) throws IOException, InterruptedException {
        run(command);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run(command);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        System.out.printf(Locale.ROOT, "%-45s runs=%d min=%.0f ms median=%.0f ms max=%.0f ms%n", label, runs,
                millis.get(0), millis.get(millis.size() / 2), millis.get(millis.size() - 1));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
    }
}
