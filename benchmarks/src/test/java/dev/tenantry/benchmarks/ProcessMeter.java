package dev.tenantry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and CPU of a process, read from /proc (Linux): resident set size, CPU time and start
 * time. PostgreSQL is a postmaster with one child per connection, so its CPU is the sum over the
 * process and its descendants.
 */
final class ProcessMeter {

    /** USER_HZ: /proc/<pid>/stat counts CPU time and start time in ticks of 10 ms on Linux. */
    private static final long TICK_MS = 10;

    private ProcessMeter() {}

    /** Resident set size in MiB. */
    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** User plus system CPU time of the process and, with {@code tree}, all its descendants (ended ones too), in ms. */
    static long cpuMillis(long pid, boolean tree) {
        long total = cpuOf(pid);
        if (tree) {
            total += ProcessHandle.of(pid).stream()
                    .flatMap(ProcessHandle::descendants)
                    .mapToLong(p -> cpuOf(p.pid()))
                    .sum();
            total += endedChildrenCpuMillis(pid);
        }
        return total;
    }

    /**
     * CPU time the process has collected from children that ended and were waited for (cutime
     * and cstime): for PostgreSQL, the backends of connections already closed.
     */
    static long endedChildrenCpuMillis(long pid) {
        try {
            return (statField(pid, 16) + statField(pid, 17)) * TICK_MS;
        } catch (IOException gone) {
            return 0;
        }
    }

    /** When the process started, in epoch milliseconds (10 ms resolution). */
    static long startEpochMillis(long pid) throws IOException {
        long bootSeconds = 0;
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("btime ")) {
                bootSeconds = Long.parseLong(line.substring(6).strip());
            }
        }
        return bootSeconds * 1000 + statField(pid, 22) * TICK_MS;
    }

    private static long cpuOf(long pid) {
        try {
            return (statField(pid, 14) + statField(pid, 15)) * TICK_MS;
        } catch (IOException gone) {
            return 0; // a process that ended between listing and reading (e.g. a PostgreSQL backend)
        }
    }

    /** Field {@code n} (1-based, as in proc(5)) of /proc/<pid>/stat. */
    private static long statField(long pid, int n) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) is in parentheses and may contain spaces: count from after it.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(rest[n - 3]);
    }
}
