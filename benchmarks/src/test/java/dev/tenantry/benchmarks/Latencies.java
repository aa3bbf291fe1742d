package dev.tenantry.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of a set of durations (nearest-rank), in milliseconds. */
final class Latencies {

    private final List<Double> sortedMs;

    private Latencies(List<Double> millis) {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no latencies");
        }
        sortedMs = new ArrayList<>(millis);
        Collections.sort(sortedMs);
    }

    static Latencies ofNanos(List<Long> nanos) {
        return new Latencies(nanos.stream().map(n -> n / 1e6).toList());
    }

    double percentile(int p) {
        int rank = (int) Math.ceil(p / 100.0 * sortedMs.size());
        return sortedMs.get(Math.max(0, Math.min(sortedMs.size() - 1, rank - 1)));
    }

    int count() {
        return sortedMs.size();
    }
}
