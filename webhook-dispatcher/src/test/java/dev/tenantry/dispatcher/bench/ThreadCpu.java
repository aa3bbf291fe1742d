package dev.tenantry.dispatcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** CPU time of this JVM's threads, grouped by name with numbers removed (e.g. "HttpClient-N-Worker-N"). */
final class ThreadCpu {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    Map<String, Long> sample() {
        Map<String, Long> nanos = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            ThreadInfo info = threads.getThreadInfo(id);
            if (cpu > 0 && info != null) {
                nanos.merge(id + "\u0000" + info.getThreadName(), cpu, Long::sum);
            }
        }
        return nanos;
    }

    /** The heaviest thread groups between two samples, in ms of CPU per item. */
    static String top(Map<String, Long> before, Map<String, Long> after, int items, int count) {
        Map<String, Long> used = new HashMap<>();
        after.forEach((key, cpu) -> {
            long delta = cpu - before.getOrDefault(key, 0L);
            String group = key.substring(key.indexOf('\u0000') + 1).replaceAll("\\d+", "N");
            used.merge(group, delta, Long::sum);
        });
        Map<String, Long> sorted = used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(count).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
                        LinkedHashMap::new));
        return sorted.entrySet().stream()
                .map(e -> String.format("%s %.3f", e.getKey(), e.getValue() / 1e6 / items))
                .collect(Collectors.joining(", "));
    }
}
