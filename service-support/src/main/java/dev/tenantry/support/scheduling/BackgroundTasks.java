package dev.tenantry.support.scheduling;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executors of the services' background work (sweeps, watches, refreshes, fleet upgrades).
 * Their threads are named, so a thread dump says what each does, and daemons: the owner stops
 * them on shutdown, and a forgotten one never keeps a stopping service's JVM alive.
 */
public final class BackgroundTasks {

    private BackgroundTasks() {}

    /** One thread for periodic work. */
    public static ScheduledExecutorService scheduler(String threadName) {
        return Executors.newSingleThreadScheduledExecutor(daemon(threadName));
    }

    /** One thread for work handed over one task at a time. */
    public static ExecutorService singleThread(String threadName) {
        return Executors.newSingleThreadExecutor(daemon(threadName));
    }

    /** {@code threads} threads named {@code prefix-1}, {@code prefix-2}... */
    public static ExecutorService pool(String prefix, int threads) {
        AtomicInteger made = new AtomicInteger();
        return Executors.newFixedThreadPool(
                threads, task -> daemon(prefix + "-" + made.incrementAndGet()).newThread(task));
    }

    private static ThreadFactory daemon(String threadName) {
        return task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        };
    }
}
