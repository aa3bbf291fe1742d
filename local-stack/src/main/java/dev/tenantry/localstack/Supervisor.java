package dev.tenantry.localstack;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Keeps the stack's components running: a component whose process ends without being asked to
 * is started again after a {@link RestartBackoff}, each crash and restart printed on one line.
 * An operator may stop a component (it then stays down) and restart it.
 *
 * <p>Threads: one watcher checks every process twice a second; each component has a thread of
 * its own for its starts, stops, readiness checks and crash decisions, so a broker taking seconds
 * to start delays neither the watch of the others nor their restarts, and an operator's request
 * and a restart of the same component never interleave.
 */
final class Supervisor implements AutoCloseable {

    private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);

    private final Map<String, Supervised> components = new LinkedHashMap<>();
    private final Clock clock;
    private final PrintStream out;
    private final ScheduledExecutorService watcher;
    private volatile boolean closed;

    Supervisor(List<Component> components, Supplier<RestartBackoff> backoffs, Clock clock, PrintStream out) {
        this.clock = clock;
        this.out = out;
        this.watcher = singleThread("tenantry-supervisor");
        for (Component component : components) {
            this.components.put(
                    component.name(),
                    new Supervised(component, backoffs.get(), singleThread("tenantry-" + component.name())));
        }
    }

    /** Starts watching; the components are expected to be started already. */
    void begin() {
        components.values().forEach(s -> s.lastPid = s.component.pid().orElse(null));
        watcher.scheduleWithFixedDelay(this::watch, 0, WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean knows(String name) {
        return components.containsKey(name);
    }

    List<String> names() {
        return List.copyOf(components.keySet());
    }

    /** What every component looks like now, from what the watcher last saw (never blocks). */
    List<ComponentStatus> status() {
        List<ComponentStatus> rows = new ArrayList<>();
        for (Supervised s : components.values()) {
            boolean up = s.state == ComponentState.RUNNING || s.state == ComponentState.NOT_READY;
            rows.add(new ComponentStatus(
                    s.component.name(),
                    s.state.label(),
                    up ? s.lastPid : null,
                    s.component.port(),
                    up && s.ready,
                    s.restarts.get()));
        }
        return rows;
    }

    /** Stops a component and keeps it down until {@link #restart}; the future ends once it is down. */
    Future<ComponentStatus> stop(String name) {
        Supervised s = supervised(name);
        s.operations.incrementAndGet();
        return s.worker.submit(() -> {
            try {
                s.held = true;
                s.cancelPendingRestart();
                s.component.stop();
                s.state = ComponentState.STOPPED;
                s.ready = false;
                out.println(
                        "[supervisor] " + name + " stopped on request; it stays down until ./tenantry restart " + name);
                return statusOf(s);
            } finally {
                s.operations.decrementAndGet();
            }
        });
    }

    /**
     * Stops a component if it runs and starts it again, with a fresh backoff; the future ends once
     * it is started (a service may not be ready yet). A failed start is retried like a crash.
     */
    Future<ComponentStatus> restart(String name) {
        Supervised s = supervised(name);
        s.operations.incrementAndGet();
        return s.worker.submit(() -> {
            try {
                s.held = false;
                s.cancelPendingRestart();
                s.component.stop();
                s.backoff.reset();
                startAgain(s, "on request");
                return statusOf(s);
            } finally {
                s.operations.decrementAndGet();
            }
        });
    }

    /** Stops watching and restarting; the components themselves are left as they are. */
    @Override
    public void close() {
        closed = true;
        watcher.shutdownNow();
        components.values().forEach(s -> s.worker.shutdownNow());
        try {
            watcher.awaitTermination(10, TimeUnit.SECONDS);
            for (Supervised s : components.values()) {
                // A start in progress (a broker waiting to be ready) ends when interrupted.
                s.worker.awaitTermination(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------

    private void watch() {
        for (Supervised s : components.values()) {
            if (closed) {
                return;
            }
            // Left alone while the operator holds it down, while its restart is pending, or while
            // one of its own operations runs (the broker's methods wait for a start to finish).
            if (s.held || s.state == ComponentState.RESTARTING || s.operations.get() > 0) {
                continue;
            }
            try {
                if (s.component.isAlive()) {
                    s.lastPid = s.component.pid().orElse(s.lastPid);
                    probe(s);
                } else {
                    confirmCrash(s);
                }
            } catch (RuntimeException e) {
                // One component's trouble must not end the watch of the others.
                out.println("[supervisor] could not check " + s.component.name() + ": " + e);
            }
        }
    }

    private void probe(Supervised s) {
        if (!s.probing.compareAndSet(false, true)) {
            return;
        }
        try {
            s.worker.execute(() -> {
                try {
                    boolean ready = s.component.isReady();
                    if (!s.held && s.state != ComponentState.RESTARTING && s.component.isAlive()) {
                        s.ready = ready;
                        s.state = ready ? ComponentState.RUNNING : ComponentState.NOT_READY;
                    }
                } finally {
                    s.probing.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            s.probing.set(false);
        }
    }

    /**
     * Decided on the component's own thread, where operator requests run too: a process an
     * operator has just stopped is not a crash.
     */
    private void confirmCrash(Supervised s) {
        if (!s.confirming.compareAndSet(false, true)) {
            return;
        }
        try {
            s.worker.execute(() -> {
                try {
                    if (!closed
                            && !s.held
                            && s.state != ComponentState.RESTARTING
                            && s.operations.get() == 0
                            && !s.component.isAlive()) {
                        crashed(s);
                    }
                } finally {
                    s.confirming.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            s.confirming.set(false);
        }
    }

    private void crashed(Supervised s) {
        s.state = ComponentState.RESTARTING;
        s.ready = false;
        OptionalInt status = s.component.exitStatus();
        Duration delay = s.backoff.crashed(clock.instant());
        out.println("[supervisor] " + s.component.name() + " (pid " + (s.lastPid == null ? "unknown" : s.lastPid)
                + ") exited with status " + (status.isPresent() ? Integer.toString(status.getAsInt()) : "unknown")
                + "; restarting in " + seconds(delay));
        scheduleRestart(s, delay);
    }

    private void scheduleRestart(Supervised s, Duration delay) {
        if (closed) {
            return;
        }
        s.pendingRestart = s.worker.schedule(
                () -> {
                    if (closed || s.held) {
                        return;
                    }
                    s.component.stop();
                    startAgain(s, "after a crash");
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** On the component's own thread: starts it and reports; a failure schedules the next attempt. */
    private void startAgain(Supervised s, String why) {
        s.state = ComponentState.RESTARTING;
        s.ready = false;
        try {
            s.component.start();
            s.backoff.started(clock.instant());
            s.lastPid = s.component.pid().orElse(null);
            int count = s.restarts.incrementAndGet();
            s.state = ComponentState.NOT_READY;
            out.println("[supervisor] " + s.component.name() + " restarted " + why + " (pid "
                    + (s.lastPid == null ? "unknown" : s.lastPid) + ", restart " + count + ")");
        } catch (Exception e) {
            if (closed || Thread.currentThread().isInterrupted()) {
                return;
            }
            Duration delay = s.backoff.crashed(clock.instant());
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            out.println("[supervisor] " + s.component.name() + " did not start (" + message + "); next attempt in "
                    + seconds(delay));
            scheduleRestart(s, delay);
        }
    }

    private ComponentStatus statusOf(Supervised s) {
        return status().stream()
                .filter(r -> r.name().equals(s.component.name()))
                .findFirst()
                .orElseThrow();
    }

    private Supervised supervised(String name) {
        Supervised s = components.get(name);
        if (s == null) {
            throw new IllegalArgumentException(
                    "no component " + name + "; known: " + String.join(", ", components.keySet()));
        }
        return s;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static ScheduledExecutorService singleThread(String name) {
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, threads);
        // A cancelled pending restart must not linger in the queue until its time.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** One component and what the supervisor knows of it. */
    private static final class Supervised {
        final Component component;
        final RestartBackoff backoff;
        final ScheduledExecutorService worker;
        final AtomicInteger restarts = new AtomicInteger();
        final AtomicInteger operations = new AtomicInteger();
        final AtomicBoolean probing = new AtomicBoolean();
        final AtomicBoolean confirming = new AtomicBoolean();
        volatile ComponentState state = ComponentState.NOT_READY;
        volatile boolean ready;
        volatile boolean held;
        volatile Long lastPid;
        volatile ScheduledFuture<?> pendingRestart;

        Supervised(Component component, RestartBackoff backoff, ScheduledExecutorService worker) {
            this.component = component;
            this.backoff = backoff;
            this.worker = worker;
        }

        void cancelPendingRestart() {
            ScheduledFuture<?> pending = pendingRestart;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }
}
