package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.EndpointRepository;
import dev.tenantry.dispatcher.repository.EndpointRepository.DisabledEndpoint;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.scheduling.BackgroundTasks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Disables endpoints whose every attempt has failed for the auto-disable window (default five
 * days): sending to them only fills the queue. The reason is recorded on the endpoint, logged
 * and counted; its queued deliveries fail and can be recovered once the endpoint works again.
 * Safe with several instances: the update takes each endpoint once.
 */
@ApplicationScoped
public class EndpointHealthWatch {

    private static final Logger LOG = Logger.getLogger(EndpointHealthWatch.class);

    private final AgroalDataSource dataSource;
    private final EndpointRepository endpoints;
    private final DeliveryRepository deliveries;
    private final DispatcherMetrics metrics;
    private final DispatcherConfig.AutoDisable config;
    private ScheduledExecutorService timer;

    public EndpointHealthWatch(
            AgroalDataSource dataSource,
            EndpointRepository endpoints,
            DeliveryRepository deliveries,
            DispatcherMetrics metrics,
            DispatcherConfig config) {
        this.dataSource = dataSource;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.config = config.autoDisable();
    }

    void onStart(@Observes StartupEvent start) {
        Duration interval = config.checkInterval();
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        timer = BackgroundTasks.scheduler("webhook-endpoint-health");
        timer.scheduleWithFixedDelay(
                this::checkQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private record Check(List<DisabledEndpoint> disabled, int failedDeliveries) {}

    /** One check; returns the endpoints it disabled. */
    public List<DisabledEndpoint> check() throws SQLException {
        Instant cutoff = Instant.now().minus(config.window());
        Check check = Transactions.inTransaction(dataSource, tx -> {
            Connection connection = tx.connection();
            List<DisabledEndpoint> off = endpoints.disableFailingSince(connection, cutoff, describe(config.window()));
            // Also catches retries that were in flight when any endpoint was disabled.
            return new Check(off, deliveries.failPendingOfDisabledEndpoints(connection));
        });
        metrics.deliveries(DeliveryStatus.FAILED, check.failedDeliveries());
        List<DisabledEndpoint> disabled = check.disabled();
        for (DisabledEndpoint endpoint : disabled) {
            metrics.endpointDisabled("persistent-failure");
            LOG.warnf(
                    "Disabled webhook endpoint %s: every delivery attempt failed since %s (window %s)",
                    endpoint.id(), endpoint.failingSince(), describe(config.window()));
        }
        return disabled;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Endpoint health check failed, next try in %s: %s", config.checkInterval(), e.getMessage());
        }
    }

    static String describe(Duration window) {
        if (window.toHours() >= 24 && window.toHoursPart() == 0 && window.toMinutesPart() == 0) {
            return window.toDays() + " days";
        }
        return window.toString().substring(2).toLowerCase();
    }
}
