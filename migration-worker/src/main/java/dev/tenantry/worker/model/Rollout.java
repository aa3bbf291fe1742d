package dev.tenantry.worker.model;

import java.time.Instant;
import java.util.List;

/**
 * A rollout as operators see it: its state, its stages with their tenants by state, the tenants
 * that failed, and its speed so far.
 *
 * @param state running, paused (by an operator or at a gate), halted (failure budget spent),
 *              aborted or completed
 * @param reason why it is paused, halted or aborted
 * @param tenantsPerSecond tenants finished per second since the rollout started
 * @param etaSeconds seconds left at that speed (null before the first tenant finished)
 */
public record Rollout(
        String id,
        String targetVersion,
        String state,
        String reason,
        String requestedBy,
        int currentStage,
        Instant createdAt,
        Instant finishedAt,
        Counts tenants,
        Double tenantsPerSecond,
        Long etaSeconds,
        List<Stage> stages,
        List<Failure> failures) {

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String HALTED = "halted";
    public static final String ABORTED = "aborted";
    public static final String COMPLETED = "completed";

    public boolean isOpen() {
        return RUNNING.equals(state) || PAUSED.equals(state) || HALTED.equals(state);
    }

    /** Tenants by state. */
    public record Counts(int total, int pending, int running, int done, int failed, int skipped) {

        public int remaining() {
            return pending + running;
        }
    }

    /**
     * One stage and its tenants.
     *
     * @param maxFailures its failure budget; null when failures never halt it
     */
    public record Stage(
            int position,
            String name,
            int parallelism,
            Integer maxFailures,
            long pauseAfterSeconds,
            boolean gate,
            Instant startedAt,
            Instant finishedAt,
            Counts tenants) {}

    /** A tenant whose last attempt failed. */
    public record Failure(String tenant, String schema, int stage, int attempts, String error) {}
}
