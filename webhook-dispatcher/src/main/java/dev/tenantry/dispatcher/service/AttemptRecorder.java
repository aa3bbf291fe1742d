package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.AttemptResult.Kind;
import dev.tenantry.dispatcher.model.ClaimedDelivery;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import dev.tenantry.dispatcher.repository.AttemptRepository.NewAttempt;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.DeliveryRepository.Outcome;
import dev.tenantry.dispatcher.repository.EndpointRepository;
import dev.tenantry.dispatcher.repository.EndpointRepository.FailureRun;
import dev.tenantry.dispatcher.repository.EndpointRepository.FailureRunChange;
import dev.tenantry.dispatcher.repository.OutcomeRepository;
import dev.tenantry.support.persistence.Transactions;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Writes what attempts achieved: the attempt log row, the delivery's next state (delivered,
 * retry at a time, failed), the endpoint's failure run, and disables an endpoint that answered
 * 410. Attempts that finish close together are written together, atomically (one statement, or
 * one transaction when a 410 disables an endpoint), so the database keeps up with many requests
 * per second. A batch that cannot be written is retried; while outcomes
 * wait, the engine claims no more than a bounded number ahead (back-pressure).
 */
@ApplicationScoped
public class AttemptRecorder {

    private static final Logger LOG = Logger.getLogger(AttemptRecorder.class);
    private static final int MAX_BATCH = 500;
    static final String GONE_REASON = "receiver answered 410 Gone";

    /** An attempt that finished and waits to be written. */
    public record Completed(ClaimedDelivery delivery, AttemptResult result, boolean mayRetry) {}

    private final AgroalDataSource dataSource;
    private final OutcomeRepository outcomeRows;
    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final RetrySchedule schedule;
    private final DispatcherMetrics metrics;
    private final BlockingQueue<Completed> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger writing = new AtomicInteger();
    private volatile Consumer<List<Completed>> afterWrite = batch -> {};
    private volatile boolean running;
    private Thread writer;

    public AttemptRecorder(
            AgroalDataSource dataSource,
            OutcomeRepository outcomeRows,
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            RetrySchedule schedule,
            DispatcherMetrics metrics) {
        this.dataSource = dataSource;
        this.outcomeRows = outcomeRows;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.schedule = schedule;
        this.metrics = metrics;
    }

    /** Called with every batch once it is written. */
    void onWritten(Consumer<List<Completed>> listener) {
        this.afterWrite = listener;
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        writer = new Thread(this::writeLoop, "webhook-attempt-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Writes what is queued, then stops. */
    synchronized void stop(Duration wait) {
        running = false;
        if (writer != null) {
            try {
                writer.join(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void submit(Completed completed) {
        queue.add(completed);
    }

    /** Outcomes waiting to be written or being written. */
    int backlog() {
        return queue.size() + writing.get();
    }

    private void writeLoop() {
        while (running || !queue.isEmpty()) {
            Completed first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                continue;
            }
            List<Completed> batch = new ArrayList<>();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            writing.set(batch.size());
            writeUntilDone(batch);
            writing.set(0);
            afterWrite.accept(batch);
        }
    }

    private void writeUntilDone(List<Completed> batch) {
        long backoff = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                write(batch);
                return;
            } catch (SQLException | RuntimeException e) {
                if (!running && attempt >= 3) {
                    // Shutting down: the claims' leases expire and another instance sends again.
                    LOG.errorf("Dropping %d unwritten attempt result(s) at shutdown: %s", batch.size(), e.getMessage());
                    return;
                }
                LOG.warnf(
                        "Could not write %d attempt result(s) (try %d), retrying in %d ms: %s",
                        batch.size(), attempt, backoff, e.getMessage());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    /** Writes one batch in one transaction; also used directly for a ping. */
    public void write(List<Completed> batch) throws SQLException {
        List<NewAttempt> attemptRows = new ArrayList<>(batch.size());
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        Set<UUID> goneEndpoints = new LinkedHashSet<>();
        for (Completed c : batch) {
            ClaimedDelivery d = c.delivery();
            AttemptResult r = c.result();
            attemptRows.add(new NewAttempt(
                    d.id(),
                    d.attemptCount() + 1,
                    r.startedAt(),
                    r.status(),
                    r.durationMs(),
                    r.error(),
                    r.responseBody()));
            outcomes.add(decide(c));
            if (r.kind() == Kind.GONE) {
                goneEndpoints.add(d.endpointId());
            }
        }
        Set<UUID> moved;
        long start = System.nanoTime();
        List<FailureRunChange> runs = failureRuns(batch);
        try (Connection connection = dataSource.getConnection()) {
            if (goneEndpoints.isEmpty()) {
                // The usual case: one statement, atomic on its own, one round trip.
                moved = outcomeRows.record(connection, outcomes, attemptRows, runs);
            } else {
                moved = Transactions.inTransaction(connection, tx -> {
                    Set<UUID> recorded = outcomeRows.record(connection, outcomes, attemptRows, runs);
                    for (UUID endpoint : goneEndpoints) {
                        if (endpoints.disable(connection, endpoint, GONE_REASON)) {
                            int failed = deliveries.failPendingOfEndpoint(connection, endpoint, GONE_REASON);
                            tx.afterCommit(() -> endpointGone(endpoint, failed));
                        }
                    }
                    return recorded;
                });
            }
        }
        metrics.written(batch.size(), System.nanoTime() - start);
        for (int i = 0; i < batch.size(); i++) {
            metrics.attempt(batch.get(i).result());
            Outcome outcome = outcomes.get(i);
            if (moved.contains(outcome.deliveryId()) && outcome.status() != DeliveryStatus.PENDING) {
                metrics.delivery(outcome.status());
            }
        }
    }

    private void endpointGone(UUID endpoint, int failedDeliveries) {
        // Its queued deliveries failed without an attempt of their own.
        metrics.deliveries(DeliveryStatus.FAILED, failedDeliveries);
        metrics.endpointDisabled("gone");
        LOG.warnf("Disabled webhook endpoint %s: %s", endpoint, GONE_REASON);
    }

    private Outcome decide(Completed c) {
        ClaimedDelivery d = c.delivery();
        AttemptResult r = c.result();
        DeliveryStatus status;
        Duration delay = null;
        switch (r.kind()) {
            case SUCCESS -> status = DeliveryStatus.DELIVERED;
            case GONE, REFUSED -> status = DeliveryStatus.FAILED;
            default -> {
                Optional<Duration> next =
                        c.mayRetry() ? schedule.delayAfter(d.schedulePosition() + 1, r.retryAfter()) : Optional.empty();
                status = next.isPresent() ? DeliveryStatus.PENDING : DeliveryStatus.FAILED;
                delay = next.orElse(null);
            }
        }
        return new Outcome(d.id(), d.claimToken(), status, delay, r.startedAt(), r.status(), r.error());
    }

    /** Per endpoint, in the order attempts finished: did its run of failures end, start or start again? */
    private static List<FailureRunChange> failureRuns(List<Completed> batch) {
        Map<UUID, FailureRunChange> changes = new LinkedHashMap<>();
        for (Completed c : batch) {
            UUID endpoint = c.delivery().endpointId();
            Instant at = c.result().startedAt();
            FailureRunChange previous = changes.get(endpoint);
            if (c.result().succeeded()) {
                changes.put(endpoint, new FailureRunChange(endpoint, FailureRun.CLEAR, at));
            } else if (previous == null) {
                changes.put(endpoint, new FailureRunChange(endpoint, FailureRun.START, at));
            } else if (previous.change() == FailureRun.CLEAR) {
                changes.put(endpoint, new FailureRunChange(endpoint, FailureRun.RESTART, at));
            }
        }
        return new ArrayList<>(changes.values());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
