package dev.tenantry.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Concurrent clients of a scenario, each a thread of its own, each returning its durations. */
final class Clients {

    interface Client {
        List<Long> run(int client) throws Exception;
    }

    private Clients() {}

    /** {@code clients} threads, each running {@code task} {@code each} times in a row. */
    static List<Long> repeat(int clients, int each, Callable<Long> task) throws Exception {
        return run(clients, client -> {
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                nanos.add(task.call());
            }
            return nanos;
        });
    }

    /** Runs every client at once; all their durations once every one has finished. */
    static List<Long> run(int clients, Client body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> body.run(client)));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> future : futures) {
                all.addAll(future.get(30, TimeUnit.MINUTES));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
