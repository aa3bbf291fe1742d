package dev.tenantry.worker.model;

import java.time.Instant;
import java.util.List;

/** Progress of a fleet upgrade: every tenant behind the latest migration upgraded in parallel. */
public record FleetProgress(
        String id,
        String state,
        int total,
        int done,
        int failed,
        int remaining,
        Instant startedAt,
        Instant finishedAt,
        List<Failure> failures) {

    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";

    /** A tenant the fleet upgrade could not bring to the latest version, and why. */
    public record Failure(String tenant, String schema, String reason) {}
}
