package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.execute;
import static dev.tenantry.dispatcher.DispatcherTestSupport.queryInt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.dispatcher.service.DeliveryRetentionSweeper;
import dev.tenantry.testinfra.TenantryTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dispatcher's processed-event ids against the default 30-day retention. */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class DeliveryRetentionIT {

    @Inject
    DeliveryRetentionSweeper sweeper;

    @Inject
    MeterRegistry registry;

    @Test
    void processedEventIdsPastRetentionAreForgottenAndRecentOnesKept() throws Exception {
        String consumer = "retention-it-" + UUID.randomUUID();
        execute(
                "INSERT INTO dispatcher_processed_event (consumer, event_id, processed_at) VALUES "
                        + "(?, 'old', now() - interval '31 days'), (?, 'recent', now() - interval '29 days')",
                consumer,
                consumer);
        var counter = registry.find("tenantry.retention.pruned")
                .tag("table", "dispatcher_processed_event")
                .counter();
        double before = counter == null ? 0 : counter.count();

        sweeper.sweep();

        assertThat(queryInt(
                        "SELECT count(*) FROM dispatcher_processed_event WHERE consumer = ? AND event_id = 'old'",
                        consumer))
                .isZero();
        assertThat(queryInt(
                        "SELECT count(*) FROM dispatcher_processed_event WHERE consumer = ? AND event_id = "
                                + "'recent'",
                        consumer))
                .isEqualTo(1);
        assertThat(registry.find("tenantry.retention.pruned")
                                .tag("table", "dispatcher_processed_event")
                                .counter()
                                .count()
                        - before)
                .isGreaterThanOrEqualTo(1);
    }
}
