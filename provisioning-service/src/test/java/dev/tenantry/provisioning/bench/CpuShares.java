package dev.tenantry.provisioning.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by each part of the system between two readings, from /proc (Linux only):
 * this JVM (the service and the benchmark's clients), the worker, PostgreSQL, Kafka, and
 * everything else on the machine. Lets a figure say where the cores went, and how much of them
 * was taken by work that is not the system's.
 */
final class CpuShares {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private final Map<String, Long> ticks;

    private CpuShares(Map<String, Long> ticks) {
        this.ticks = ticks;
    }

    static CpuShares read() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (String part : new String[] {"service+clients", "worker", "postgres", "kafka", "other"}) {
            ticks.put(part, 0L);
        }
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                long pid = Long.parseLong(p.getFileName().toString());
                long used = processTicks(p);
                if (used > 0) {
                    ticks.merge(partOf(pid, self, p), used, Long::sum);
                }
            });
        } catch (IOException e) {
            return new CpuShares(Map.of());
        }
        return new CpuShares(ticks);
    }

    /** "part 1.2 s (12.3 ms/signup)" for every part, from {@code before} to this reading. */
    String since(CpuShares before, int signups) {
        StringBuilder out = new StringBuilder();
        long total = 0;
        for (var entry : ticks.entrySet()) {
            long used = entry.getValue() - before.ticks.getOrDefault(entry.getKey(), 0L);
            // Processes that ended between the readings are lost; never print a negative share.
            used = Math.max(0, used);
            if (!entry.getKey().equals("other")) {
                total += used;
            }
            out.append(String.format("%s %.1f ms, ", entry.getKey(), used * 1000.0 / TICKS_PER_SECOND / signups));
        }
        return String.format("CPU per signup: system %.1f ms (%s)", total * 1000.0 / TICKS_PER_SECOND / signups,
                out.substring(0, out.length() - 2));
    }

    private static String partOf(long pid, long self, Path proc) {
        if (pid == self) {
            return "service+clients";
        }
        String command = read(proc.resolve("cmdline")).replace('\0', ' ');
        String name = read(proc.resolve("comm")).trim();
        if (name.equals("postgres")) {
            return "postgres";
        }
        if (command.contains("kafka.Kafka") || command.contains("KafkaBrokerLauncher")) {
            return "kafka";
        }
        if (command.contains("migration-worker")) {
            return "worker";
        }
        return "other";
    }

    private static long processTicks(Path proc) {
        String stat = read(proc.resolve("stat"));
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return 0;
        }
        String[] fields = stat.substring(end + 2).split(" ");
        // After the command: state(0) ... utime(11) stime(12)
        return fields.length > 12 ? Long.parseLong(fields[11]) + Long.parseLong(fields[12]) : 0;
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
