package dev.tenantry.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * kill -9 of the migration worker, the pid taken from {@code status --json}, then a wait until
 * the supervisor has a new worker running and ready: the next kill hits a worker that works
 * again, not one still booting.
 */
final class WorkerKiller {

    static final String WORKER = "migration-worker";
    /** The supervisor's backoff grows to 30 s under repeated crashes, and a Quarkus boot on two busy cores is slow. */
    private static final Duration BACK_PATIENCE = Duration.ofMinutes(5);

    private final RunningSystem system;
    private final List<Instant> kills = new ArrayList<>();

    WorkerKiller(RunningSystem system) {
        this.system = system;
    }

    /** @return the pid killed */
    long killAndAwaitBack() throws Exception {
        StackComponentStatus worker = system.component(WORKER);
        if (!worker.running()) {
            throw new IllegalStateException("the worker is not running before a kill: " + worker);
        }
        long pid = worker.pid();
        ProcessHandle process = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("no process " + pid + " for " + worker));
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful Kafka or JDBC close
        kills.add(Instant.now());
        system.awaitComponent(
                WORKER, c -> c.running() && c.pid() != pid && c.restarts() > worker.restarts(), BACK_PATIENCE);
        return pid;
    }

    int count() {
        return kills.size();
    }

    Instant lastKill() {
        return kills.isEmpty() ? null : kills.get(kills.size() - 1);
    }
}
