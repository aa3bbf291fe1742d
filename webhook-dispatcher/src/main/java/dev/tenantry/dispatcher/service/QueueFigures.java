package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.DeliveryRepository.DueStats;
import dev.tenantry.dispatcher.repository.EndpointRepository;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The queue as operators watch it: due deliveries, how long the oldest has waited, disabled
 * endpoints. Shared by the metrics gauges and the readiness check, and read from the database at
 * most every two seconds however often either is asked (a scrape or probe must not become load).
 */
@ApplicationScoped
public class QueueFigures {

    private static final Logger LOG = Logger.getLogger(QueueFigures.class);
    private static final Duration MAX_AGE = Duration.ofSeconds(2);

    /** One reading; {@code readAt} is when it was taken. */
    public record Snapshot(long due, double oldestDueAgeSeconds, long disabledEndpoints, Instant readAt) {}

    private final AgroalDataSource dataSource;
    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private volatile Snapshot snapshot = new Snapshot(0, 0, 0, Instant.EPOCH);

    public QueueFigures(AgroalDataSource dataSource, DeliveryRepository deliveries, EndpointRepository endpoints) {
        this.dataSource = dataSource;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
    }

    /** The latest reading, taken anew when the last one is older than two seconds. */
    public Snapshot current() {
        Snapshot last = snapshot;
        if (Duration.between(last.readAt(), Instant.now()).compareTo(MAX_AGE) < 0) {
            return last;
        }
        synchronized (this) {
            if (snapshot != last) {
                return snapshot;
            }
            snapshot = read(last);
            return snapshot;
        }
    }

    private Snapshot read(Snapshot last) {
        try (Connection connection = dataSource.getConnection()) {
            DueStats due = deliveries.dueStats(connection);
            double age = due.oldestDueSince() == null
                    ? 0
                    : Math.max(
                            0,
                            Duration.between(due.oldestDueSince(), Instant.now())
                                            .toMillis()
                                    / 1000.0);
            return new Snapshot(due.due(), age, endpoints.countDisabled(connection), Instant.now());
        } catch (SQLException e) {
            // Keep the last figures: the database's own health check reports the outage.
            LOG.debugf("Could not read queue figures: %s", e.getMessage());
            return new Snapshot(last.due(), last.oldestDueAgeSeconds(), last.disabledEndpoints(), Instant.now());
        }
    }
}
