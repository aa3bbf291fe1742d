package dev.tenantry.benchmarks;

import dev.tenantry.faults.RunningSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Scenario 6, footprint and start: each service's resident memory when idle, and the time from
 * its process starting to its readiness check answering 200, restarted one at a time through the
 * stack's supervisor ({@code ./tenantry restart}). {@link BenchmarkRun} adds the time
 * {@code ./tenantry up} took with the jars built; the burst adds CPU per signup and memory after it.
 */
final class StartupScenario implements Scenario {

    static final String ID = "startup";
    /** Component name → key of its URL in the stack's state. */
    private static final Map<String, String> SERVICES = Map.of(
            "provisioning-service", "provisioning", "migration-worker", "worker", "webhook-dispatcher", "dispatcher");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "footprint and start: memory idle, process start → ready per service, ./tenantry up";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        RunningSystem system = context.system();
        Figures figures = context.figures();
        Signups.awaitSparePoolFull(system.dataSource());
        ComponentMeters.serviceRssMiB(system)
                .forEach((service, mib) -> figures.system(ID, "RSS idle, " + service, "MiB", Target.atMost(200), mib));
        for (int r = 0; r < context.repeats(); r++) {
            for (String service : SERVICES.keySet()) {
                figures.system(
                        ID,
                        "process start → ready, " + service,
                        "s",
                        Target.atMost(2),
                        startToReady(system, service) / 1000.0);
            }
            figures.info(ID, "tenantctl --version (a new JVM)", "ms", tenantctlMillis());
        }
        if (!context.quick()) {
            // Once, not per repetition: it builds every module (minutes).
            FreshCloneUp.Timing clone = FreshCloneUp.measure(context.workDirectory());
            figures.system(ID, "./tenantry up, fresh clone (build included)", "s", null, clone.total());
            figures.info(ID, "fresh clone: mvn -B -q install -DskipTests", "s", clone.buildSeconds());
            figures.info(ID, "fresh clone: ./tenantry up once built", "s", clone.upSeconds());
        }
    }

    /** One tenantctl invocation as a script makes it, through its launcher script. */
    private static double tenantctlMillis() throws Exception {
        Path root = Path.of(System.getProperty("tenantry.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(
                        "sh", root.resolve("tenantctl/bin/tenantctl").toString(), "--version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("tenantctl --version failed");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Stops the service, starts it again and measures from its new process's start to ready. */
    private double startToReady(RunningSystem system, String service) throws Exception {
        String ready = system.serviceUrls().get(SERVICES.get(service)) + "/q/health/ready";
        system.stop(service);
        CompletableFuture<Long> firstReady = CompletableFuture.supplyAsync(() -> pollReady(ready));
        system.restart(service);
        long readyAt = firstReady.get();
        long pid = system.component(service).pid();
        return readyAt - ProcessMeter.startEpochMillis(pid);
    }

    /** Epoch milliseconds of the first 200 from the readiness check, polled every 20 ms. */
    private long pollReady(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        long giveUp = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
        while (System.currentTimeMillis() < giveUp) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.currentTimeMillis();
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(url + " not ready within 5 minutes");
    }
}
