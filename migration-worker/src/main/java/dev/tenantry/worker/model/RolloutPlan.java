package dev.tenantry.worker.model;

import java.util.List;

/**
 * A rollout's plan as a dry run prints it, and as it is stored: the stages with their tenants,
 * the tenants left out and why, and an estimate from recent migration durations.
 */
public record RolloutPlan(
        String targetVersion, List<PlannedStage> stages, List<Skipped> skipped, Long estimatedSeconds) {

    /** Budget of a stage that never halts the rollout (the fleet upgrade of drift repair). */
    public static final int UNLIMITED_FAILURES = Integer.MAX_VALUE;

    public int tenantCount() {
        return stages.stream().mapToInt(s -> s.tenants().size()).sum();
    }

    /** One stage and the tenants it will migrate. */
    public record PlannedStage(
            int position,
            String name,
            List<Target> tenants,
            int parallelism,
            int maxFailures,
            long pauseAfterSeconds,
            boolean gate,
            Long estimatedSeconds) {}

    /** A tenant to migrate: its id, schema and current version (null when never migrated). */
    public record Target(String tenant, String schema, String currentVersion) {}

    /** A tenant the rollout leaves out, and why. */
    public record Skipped(String tenant, String schema, String reason) {}
}
