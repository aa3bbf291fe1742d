package dev.tenantry.worker.model;

import java.time.Instant;
import java.util.List;

/**
 * A rollout in the shape of the fleet-upgrade routes ({@code POST /admin/drift/fix}, {@code GET
 * /admin/fleet-upgrade}), which scripts and {@code tenantctl migrations fix} read: running until
 * the rollout is completed, aborted or halted. {@code GET /admin/rollouts/{id}} has the whole view.
 */
public record FleetProgress(
        String id,
        String state,
        String rolloutState,
        String targetVersion,
        int total,
        int done,
        int failed,
        int remaining,
        Instant startedAt,
        Instant finishedAt,
        List<Failure> failures) {

    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";

    /** A tenant the fleet upgrade could not bring to the target version, and why. */
    public record Failure(String tenant, String schema, String reason) {}

    public static FleetProgress of(Rollout rollout) {
        boolean going = Rollout.RUNNING.equals(rollout.state()) || Rollout.PAUSED.equals(rollout.state());
        Rollout.Counts tenants = rollout.tenants();
        return new FleetProgress(
                rollout.id(),
                going ? RUNNING : FINISHED,
                rollout.state(),
                rollout.targetVersion(),
                tenants.total() - tenants.skipped(),
                tenants.done(),
                tenants.failed(),
                tenants.remaining(),
                rollout.createdAt(),
                going ? null : rollout.finishedAt() != null ? rollout.finishedAt() : Instant.now(),
                rollout.failures().stream()
                        .map(f -> new Failure(f.tenant(), f.schema(), f.error()))
                        .toList());
    }
}
