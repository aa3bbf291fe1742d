package dev.tenantry.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches one service process while a scenario runs: its resident memory ({@code VmRSS} of
 * {@code /proc/<pid>/status}) several times a second, and its readiness ({@code /q/health/ready})
 * once a second, recording the peak and every probe that was not answered 200.
 */
final class ServiceWatch implements AutoCloseable {

    private static final Duration RSS_PERIOD = Duration.ofMillis(200);
    private static final Duration READY_PERIOD = Duration.ofSeconds(1);
    /** The readiness check reads PostgreSQL and Kafka; on two loaded cores an answer can take seconds. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final long pid;
    private final String readyUrl;
    private final AtomicLong peakRssKib = new AtomicLong();
    private final AtomicInteger rssSamples = new AtomicInteger();
    private final AtomicInteger readyProbes = new AtomicInteger();
    private final List<String> notReady = new CopyOnWriteArrayList<>();
    private final ExecutorService http = Executors.newSingleThreadExecutor(r -> daemon(r, "service-watch-http"));
    private final HttpClient client =
            HttpClient.newBuilder().executor(http).connectTimeout(READY_TIMEOUT).build();
    private final Thread rss;
    private final Thread ready;
    private volatile boolean watching = true;

    ServiceWatch(long pid, String serviceUrl) {
        this.pid = pid;
        this.readyUrl = serviceUrl + "/q/health/ready";
        this.rss = daemon(this::sampleRss, "service-watch-rss");
        this.ready = daemon(this::probeReadiness, "service-watch-ready");
        rss.start();
        ready.start();
    }

    /** Resident set size of a live process in KiB; fails when the process is gone. */
    static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(
                        line.substring("VmRSS:".length()).replace("kB", "").trim());
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    long peakRssKib() {
        return peakRssKib.get();
    }

    int rssSamples() {
        return rssSamples.get();
    }

    int readyProbes() {
        return readyProbes.get();
    }

    /** Probes not answered 200, with the time and what came instead. */
    List<String> notReady() {
        return List.copyOf(notReady);
    }

    private void sampleRss() {
        while (watching) {
            try {
                long kib = rssKib(pid);
                peakRssKib.accumulateAndGet(kib, Math::max);
                rssSamples.incrementAndGet();
            } catch (IOException | RuntimeException gone) {
                notReady.add(Instant.now() + " process " + pid + " unreadable: " + gone.getMessage());
            }
            pause(RSS_PERIOD);
        }
    }

    private void probeReadiness() {
        while (watching) {
            String failure;
            try {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(URI.create(readyUrl))
                                .timeout(READY_TIMEOUT)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                failure = answer.statusCode() == 200 ? null : "HTTP " + answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                failure = "no answer: " + e;
            } catch (InterruptedException e) {
                return;
            }
            if (!watching) {
                return;
            }
            readyProbes.incrementAndGet();
            if (failure != null) {
                notReady.add(Instant.now() + " " + failure);
            }
            pause(READY_PERIOD);
        }
    }

    @Override
    public void close() throws InterruptedException {
        watching = false;
        rss.interrupt();
        ready.interrupt();
        rss.join(5_000);
        ready.join(READY_TIMEOUT.toMillis() + 5_000);
        http.shutdownNow();
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            watching = false;
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
