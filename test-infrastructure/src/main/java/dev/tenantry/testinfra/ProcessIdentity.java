package dev.tenantry.testinfra;

import java.time.Instant;
import java.util.Optional;

/**
 * A process told apart from any later process that gets the same pid: its pid and its start
 * time. Process ids are recycled quickly on Linux (pid_max is often 32768, and a test run
 * forks thousands of PostgreSQL backends), so a pid read from a file written by an earlier run
 * may name a test JVM of today. Signalling such a pid silently ends an unrelated process.
 */
record ProcessIdentity(long pid, long startMillis) {

    /** Start times read at different moments may differ by clock-tick rounding and boot-time drift. */
    private static final long START_TOLERANCE_MILLIS = 2000;

    static ProcessIdentity of(ProcessHandle process) {
        return new ProcessIdentity(
                process.pid(),
                process.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /** Reads {@code "pid startMillis"}; a line with only a pid has an unknown start time (0). */
    static Optional<ProcessIdentity> parse(String line) {
        String[] parts = line.trim().split("\\s+");
        try {
            long pid = Long.parseLong(parts[0]);
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0L;
            return Optional.of(new ProcessIdentity(pid, started));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    String format() {
        return pid + " " + startMillis + "\n";
    }

    /**
     * The live process this identity names, if it still runs. With an unknown start time on
     * either side, only the pid can be compared: callers add a check of what the process is.
     */
    Optional<ProcessHandle> live() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(handle -> {
            long actual =
                    handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            return startMillis == 0L || actual == 0L || Math.abs(actual - startMillis) < START_TOLERANCE_MILLIS;
        });
    }

    boolean startTimeKnown() {
        return startMillis != 0L;
    }
}
