package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.ClaimedDelivery;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.SecretRepository;
import dev.tenantry.dispatcher.service.AttemptRecorder.Completed;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries. One thread claims them ({@code FOR UPDATE SKIP LOCKED}, so instances
 * share the queue without sending anything twice) and starts their requests; requests run
 * asynchronously and free their slot when they end; the {@link AttemptRecorder} writes their
 * outcomes in batches.
 *
 * <p>Concurrency is bounded twice: per instance ({@code max-concurrency}) and per endpoint
 * ({@code per-endpoint-concurrency}). An endpoint at its bound is left out of the claim query,
 * so a slow or hanging endpoint holds at most its own slots and never the queue.
 *
 * <p>A claim is a lease: the row is marked delivering until the lease runs out. If this instance
 * dies, the delivery becomes due again when its lease ends.
 */
@ApplicationScoped
public class DeliveryEngine {

    private static final Logger LOG = Logger.getLogger(DeliveryEngine.class);

    private final AgroalDataSource dataSource;
    private final DeliveryRepository deliveries;
    private final SecretRepository secrets;
    private final SigningKeys keys;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final DispatcherMetrics metrics;
    private final DispatcherConfig.Delivery config;
    private final Duration lease;
    private final int maxUnwritten;
    private final SecureRandom random = new SecureRandom();

    private final Object lock = new Object();
    private final Map<UUID, Integer> inFlightByEndpoint = new HashMap<>();
    private int inFlight;
    private boolean signalled;
    private boolean newWork;
    private volatile boolean running;
    private volatile boolean paused;
    private volatile boolean pauseAcknowledged;
    private Thread claimer;

    public DeliveryEngine(
            AgroalDataSource dataSource,
            DeliveryRepository deliveries,
            SecretRepository secrets,
            SigningKeys keys,
            WebhookSender sender,
            AttemptRecorder recorder,
            DispatcherMetrics metrics,
            DispatcherConfig config) {
        this.dataSource = dataSource;
        this.deliveries = deliveries;
        this.secrets = secrets;
        this.keys = keys;
        this.sender = sender;
        this.recorder = recorder;
        this.metrics = metrics;
        this.config = config.delivery();
        if (this.config.maxConcurrency() < 1
                || this.config.perEndpointConcurrency() < 1
                || this.config.batchSize() < 1) {
            throw new IllegalArgumentException(
                    "tenantry.dispatcher.delivery: max-concurrency, per-endpoint-concurrency "
                            + "and batch-size must be at least 1");
        }
        this.maxUnwritten = this.config.maxConcurrency() * 4;
        // A lease shorter than a request (plus its write) would hand live deliveries to another instance.
        Duration floor = this.config.requestTimeout().multipliedBy(2).plusSeconds(5);
        this.lease = this.config.lease().compareTo(floor) < 0 ? floor : this.config.lease();
    }

    void onStart(@Observes StartupEvent start) {
        if (config.enabled()) {
            start();
        } else {
            LOG.info("Webhook delivery is switched off on this instance (tenantry.dispatcher.delivery.enabled=false)");
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        stop();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        recorder.onWritten(batch -> signal());
        recorder.start();
        running = true;
        claimer = new Thread(this::claimLoop, "webhook-claimer");
        claimer.setDaemon(true);
        claimer.start();
        LOG.infof(
                "Delivering webhooks: up to %d requests in flight, %d per endpoint, lease %s",
                config.maxConcurrency(), config.perEndpointConcurrency(), lease);
    }

    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        signal();
        try {
            claimer.join(5000);
            long deadline =
                    System.nanoTime() + config.requestTimeout().plusSeconds(2).toNanos();
            synchronized (lock) {
                while (inFlight > 0 && System.nanoTime() < deadline) {
                    lock.wait(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recorder.stop(Duration.ofSeconds(10));
    }

    /** Something became due (new deliveries, a requeue): look at the queue now rather than at the next poll. */
    public void signal() {
        synchronized (lock) {
            signalled = true;
            newWork = true;
            lock.notifyAll();
        }
    }

    /**
     * Stops claiming until {@link #resume()}; requests in flight finish. Claims are not
     * released: they come back when their lease runs out, as after a crash.
     */
    public void pause() {
        paused = true;
        signal();
        // Return only once the claimer is between claims: nothing is claimed after pause() returns.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (isRunning() && !pauseAcknowledged && System.nanoTime() < deadline) {
            sleep(5);
        }
    }

    public void resume() {
        pauseAcknowledged = false;
        paused = false;
        signal();
    }

    public boolean isRunning() {
        return running && claimer != null && claimer.isAlive();
    }

    public boolean isEnabled() {
        return config.enabled();
    }

    /** Requests in flight on this instance. */
    public int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    public Duration lease() {
        return lease;
    }

    private void claimLoop() {
        long backoff = 200;
        while (running) {
            try {
                if (paused) {
                    pauseAcknowledged = true;
                    await(config.pollInterval());
                    continue;
                }
                pauseAcknowledged = false;
                int free;
                Set<UUID> full = new HashSet<>();
                Map<UUID, Integer> busy;
                synchronized (lock) {
                    free = config.maxConcurrency() - inFlight;
                    busy = new HashMap<>(inFlightByEndpoint);
                }
                busy.forEach((endpoint, count) -> {
                    if (count >= config.perEndpointConcurrency()) {
                        full.add(endpoint);
                    }
                });
                // Outcomes not yet written also hold their deliveries: do not run ahead of the writer.
                free = Math.min(free, maxUnwritten - recorder.backlog());
                if (free <= 0) {
                    await(config.pollInterval());
                    continue;
                }
                List<ClaimedDelivery> claimed = claim(Math.min(free, config.batchSize()), full, busy);
                backoff = 200;
                if (claimed.isEmpty()) {
                    await(config.pollInterval());
                } else {
                    // While requests run, let freed slots add up a little instead of claiming them one by one:
                    // every claim walks the head of the queue. New work still wakes the claimer at once.
                    lingerUnlessNewWork(config.claimLinger());
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("Claiming deliveries failed, retrying in %d ms: %s", backoff, e.getMessage());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private List<ClaimedDelivery> claim(int limit, Set<UUID> full, Map<UUID, Integer> busy) throws SQLException {
        List<ClaimedDelivery> claimed;
        Map<UUID, List<byte[]>> signingKeys = new HashMap<>();
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            // One round trip, committed on its own.
            DeliveryRepository.Claim claim = deliveries.claim(
                    connection, limit, full, busy, config.perEndpointConcurrency(), lease, random.nextLong());
            claimed = claim.deliveries();
            // The claim returns which secret versions sign; their keys are usually decrypted already.
            Set<UUID> uncached = new HashSet<>();
            claim.signingVersions()
                    .forEach((endpoint, versions) -> keys.cached(endpoint, versions)
                            .ifPresentOrElse(found -> signingKeys.put(endpoint, found), () -> uncached.add(endpoint)));
            if (!uncached.isEmpty()) {
                // A version not seen before (start, rotation). Should this read fail, the claimed
                // deliveries are sent when their lease has run out, like a crashed instance's.
                signingKeys.putAll(keys.forEndpoints(secrets.signing(connection, uncached)));
            }
        }
        metrics.claimed(claimed.size(), System.nanoTime() - start);
        synchronized (lock) {
            for (ClaimedDelivery delivery : claimed) {
                inFlight++;
                inFlightByEndpoint.merge(delivery.endpointId(), 1, Integer::sum);
            }
        }
        for (ClaimedDelivery delivery : claimed) {
            send(delivery, signingKeys.getOrDefault(delivery.endpointId(), List.of()))
                    .thenAccept(completed -> {
                        // Queued for writing before the slot is freed, so a stopping engine waits for it.
                        recorder.submit(completed);
                        release(delivery);
                    });
        }
        return claimed;
    }

    /** Sends one claimed delivery; the future completes with what to record (it never fails). */
    private CompletableFuture<Completed> send(ClaimedDelivery delivery, List<byte[]> signingKeys) {
        metrics.requestStarted();
        CompletableFuture<AttemptResult> result;
        if (signingKeys.isEmpty()) {
            result = CompletableFuture.completedFuture(new AttemptResult(
                    Instant.now(), 0, null, null, null, "endpoint has no signing secret", AttemptResult.Kind.REFUSED));
        } else {
            result = sender.send(
                    delivery.url(),
                    delivery.eventId(),
                    delivery.payload().getBytes(StandardCharsets.UTF_8),
                    signingKeys);
        }
        return result.thenApply(r -> {
            metrics.requestEnded();
            return new Completed(delivery, r, true);
        });
    }

    /**
     * The request is over: its slot is free at once. The delivery stays claimed (delivering) until
     * its outcome is written, so nothing else takes it meanwhile.
     */
    private void release(ClaimedDelivery delivery) {
        synchronized (lock) {
            inFlight--;
            inFlightByEndpoint.computeIfPresent(delivery.endpointId(), (k, v) -> v <= 1 ? null : v - 1);
            signalled = true;
            lock.notifyAll();
        }
    }

    private void await(Duration timeout) {
        synchronized (lock) {
            if (!signalled && running) {
                try {
                    lock.wait(Math.max(1, timeout.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            signalled = false;
            newWork = false;
        }
    }

    private void lingerUnlessNewWork(Duration linger) {
        long deadline = System.nanoTime() + linger.toNanos();
        synchronized (lock) {
            long left;
            while (!newWork && running && !paused && (left = deadline - System.nanoTime()) > 0) {
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            newWork = false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
