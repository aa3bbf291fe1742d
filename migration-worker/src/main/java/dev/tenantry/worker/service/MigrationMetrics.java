package dev.tenantry.worker.service;

import dev.tenantry.worker.model.MigrationRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's meters: migrations by kind and outcome, their duration, and how many run now. */
@ApplicationScoped
public class MigrationMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger sparesReady = new AtomicInteger();

    public MigrationMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("tenantry.migrations.in.flight", inFlight, AtomicInteger::get)
                .description("Tenant schema migrations running now")
                .register(registry);
        Gauge.builder("tenantry.spare.schemas", sparesReady, AtomicInteger::get)
                .description("Ready-made tenant schemas of the current release (last counted)")
                .register(registry);
    }

    void spareTaken(boolean hit) {
        Counter.builder("tenantry.spare.takes")
                .description("New tenants that asked the spare pool, by whether one was ready")
                .tag("outcome", hit ? "hit" : "miss")
                .register(registry)
                .increment();
    }

    void sparesReady(int ready) {
        sparesReady.set(ready);
    }

    void migrationStarted() {
        inFlight.incrementAndGet();
    }

    void migrationEnded() {
        inFlight.decrementAndGet();
    }

    public void migrationFinished(MigrationRun run) {
        String kind = run.kind().dbValue();
        String outcome = run.succeeded() ? "succeeded" : "failed";
        Counter.builder("tenantry.migrations")
                .description("Tenant schema migrations by kind and outcome")
                .tag("kind", kind)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Timer.builder("tenantry.migration.duration")
                .description("Time to migrate one tenant schema")
                .tag("kind", kind)
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofMillis(run.durationMs()));
    }
}
