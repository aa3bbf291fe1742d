package dev.tenantry.worker.service;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The worker's background jobs each get one daemon thread, named after the job, so a hung job is easy to spot. */
final class BackgroundTasks {

    private BackgroundTasks() {}

    static ScheduledExecutorService singleThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
