package dev.tenantry.worker.rollout;

import dev.tenantry.worker.model.Rollout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Gauges of the newest rollouts, refreshed at every poll from the shared tables, so that every
 * worker instance reports the same figures whichever instance did the work:
 * {@code tenantry_rollout_tenants{rollout,stage,state}}, {@code tenantry_rollout_tenants_per_second{rollout}},
 * {@code tenantry_rollout_eta_seconds{rollout}} and {@code tenantry_rollout_open{rollout,state}} (1 while
 * running, paused or halted).
 */
@ApplicationScoped
public class RolloutMetrics {

    private final MultiGauge tenants;
    private final MultiGauge speed;
    private final MultiGauge eta;
    private final MultiGauge open;

    public RolloutMetrics(MeterRegistry registry) {
        tenants = MultiGauge.builder("tenantry.rollout.tenants")
                .description("Tenants of a rollout's stage by state (pending, running, done, failed, skipped)")
                .register(registry);
        speed = MultiGauge.builder("tenantry.rollout.tenants.per.second")
                .description("Tenants a rollout finished per second since it started")
                .register(registry);
        eta = MultiGauge.builder("tenantry.rollout.eta.seconds")
                .description("Seconds a rollout needs for its remaining tenants at its speed so far")
                .register(registry);
        open = MultiGauge.builder("tenantry.rollout.open")
                .description("1 for each open rollout (running, paused or halted), tagged with its state")
                .register(registry);
    }

    /** Replaces every gauge with the figures of these rollouts. */
    void refresh(List<Rollout> rollouts) {
        List<MultiGauge.Row<?>> tenantRows = new ArrayList<>();
        List<MultiGauge.Row<?>> speedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> etaRows = new ArrayList<>();
        List<MultiGauge.Row<?>> openRows = new ArrayList<>();
        for (Rollout rollout : rollouts) {
            for (Rollout.Stage stage : rollout.stages()) {
                Tags tags = Tags.of("rollout", rollout.id(), "stage", stage.name());
                Rollout.Counts c = stage.tenants();
                tenantRows.add(MultiGauge.Row.of(tags.and("state", "pending"), c.pending()));
                tenantRows.add(MultiGauge.Row.of(tags.and("state", "running"), c.running()));
                tenantRows.add(MultiGauge.Row.of(tags.and("state", "done"), c.done()));
                tenantRows.add(MultiGauge.Row.of(tags.and("state", "failed"), c.failed()));
                tenantRows.add(MultiGauge.Row.of(tags.and("state", "skipped"), c.skipped()));
            }
            Tags tags = Tags.of("rollout", rollout.id());
            if (rollout.tenantsPerSecond() != null) {
                speedRows.add(MultiGauge.Row.of(tags, rollout.tenantsPerSecond()));
            }
            if (rollout.etaSeconds() != null && rollout.isOpen()) {
                etaRows.add(MultiGauge.Row.of(tags, rollout.etaSeconds()));
            }
            if (rollout.isOpen()) {
                openRows.add(MultiGauge.Row.of(tags.and("state", rollout.state()), 1));
            }
        }
        tenants.register(tenantRows, true);
        speed.register(speedRows, true);
        eta.register(etaRows, true);
        open.register(openRows, true);
    }
}
