package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.repository.RetentionRepository;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps the delivery log and the processed-event log from growing without end: finished
 * deliveries (with their attempts) and processed-event ids older than the retention period are
 * deleted, in chunks. A processed-event id only matters while Kafka may still deliver its event,
 * which is far shorter than the default 30 days.
 */
@ApplicationScoped
public class RetentionSweeper {

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);
    private static final int CHUNK = 5000;

    private final AgroalDataSource dataSource;
    private final RetentionRepository retention;
    private final DispatcherConfig.Retention config;
    private ScheduledExecutorService timer;

    public RetentionSweeper(AgroalDataSource dataSource, RetentionRepository retention, DispatcherConfig config) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.config = config.retention();
    }

    void onStart(@Observes StartupEvent start) {
        Duration interval = config.interval();
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "webhook-retention");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweepQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Deletes everything past retention; returns the deliveries deleted. */
    public int sweep() throws SQLException {
        Instant before = Instant.now().minus(config.period());
        int deliveries = 0;
        int processed = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (int n = CHUNK; n == CHUNK; deliveries += n) {
                n = retention.deleteFinishedDeliveries(connection, before, CHUNK);
            }
            for (int n = CHUNK; n == CHUNK; processed += n) {
                n = retention.deleteProcessedEvents(connection, before, CHUNK);
            }
        }
        if (deliveries + processed > 0) {
            LOG.infof("Retention: deleted %d deliveries and %d processed-event ids older than %s", deliveries,
                    processed, before);
        }
        return deliveries;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Retention sweep failed, next try in %s: %s", config.interval(), e.getMessage());
        }
    }
}
