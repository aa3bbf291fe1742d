package dev.tenantry.dispatcher.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time used by the processes of this benchmark (Linux /proc): this JVM (dispatcher, receiver
 * and raw client), the PostgreSQL server with its backends, and the Kafka broker started under
 * the test working directory. On a machine shared with other work, CPU seconds per delivery say
 * more than wall-clock rates.
 */
final class ProcessCpu {

    /** CPU seconds so far, per group. */
    record Sample(double jvm, double postgres, double kafka) {
        Sample minus(Sample earlier) {
            return new Sample(jvm - earlier.jvm, postgres - earlier.postgres, kafka - earlier.kafka);
        }

        double total() {
            return jvm + postgres + kafka;
        }
    }

    private static final double TICKS_PER_SECOND = 100.0;

    private final String workDir;

    ProcessCpu(String workDir) {
        this.workDir = workDir;
    }

    boolean available() {
        return Files.isDirectory(Path.of("/proc/self"));
    }

    Sample sample() {
        long self = ProcessHandle.current().pid();
        double jvm = 0;
        double postgres = 0;
        double kafka = 0;
        List<long[]> all = new ArrayList<>();
        long postmaster = -1;
        long broker = -1;
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] stat = stat(entry);
                if (stat == null) {
                    continue;
                }
                all.add(stat);
                String cmd = cmdline(entry);
                if (cmd.contains("bin/postgres") && cmd.contains("-D " + workDir)) {
                    postmaster = stat[0];
                } else if (cmd.contains(workDir) && cmd.contains("kafka")) {
                    broker = stat[0];
                }
            }
        } catch (IOException e) {
            return new Sample(0, 0, 0);
        }
        for (long[] s : all) {
            double seconds = (s[2] + s[3]) / TICKS_PER_SECOND;
            if (s[0] == self) {
                jvm += seconds;
            } else if (s[0] == postmaster) {
                postgres += seconds + (s[4] + s[5]) / TICKS_PER_SECOND;
            } else if (s[1] == postmaster && postmaster > 0) {
                postgres += seconds;
            } else if (s[0] == broker) {
                kafka += seconds;
            }
        }
        return new Sample(jvm, postgres, kafka);
    }

    /** pid, ppid, utime, stime, cutime, cstime. */
    private static long[] stat(Path process) {
        try {
            String text = Files.readString(process.resolve("stat"), StandardCharsets.UTF_8);
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            // After "pid (comm) ": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            return new long[] {Long.parseLong(text.substring(0, text.indexOf(' '))), Long.parseLong(f[1]),
                    Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String cmdline(Path process) {
        try {
            return new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
