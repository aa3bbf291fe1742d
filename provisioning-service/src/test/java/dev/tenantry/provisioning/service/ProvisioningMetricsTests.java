package dev.tenantry.provisioning.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ProvisioningMetricsTests {

    @Test
    void rejectedCommandsOfTypesAnyKafkaClientCanMakeUpShareOneSeries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProvisioningMetrics metrics = new ProvisioningMetrics(registry, null, null, null);

        for (int i = 0; i < 50; i++) {
            metrics.commandRejected("made.up.type." + i);
        }
        metrics.commandRejected("tenantry.tenant.requested.v1");
        metrics.commandRejected(null);
        metrics.commandRejected("CreateTenant");

        assertThat(registry.find("tenantry.commands.rejected").counters())
                .extracting(c -> c.getId().getTag("type"))
                .containsExactlyInAnyOrder("CreateTenant", "UpgradeTenant", "DeleteTenant", "other", "unknown");
        assertThat(registry.get("tenantry.commands.rejected")
                        .tag("type", "other")
                        .counter()
                        .count())
                .isEqualTo(51);
        assertThat(registry.get("tenantry.commands.rejected")
                        .tag("type", "CreateTenant")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.getMeters())
                .extracting(Meter::getId)
                .flatExtracting(id -> id.getTags())
                .noneMatch(tag -> tag.getValue().startsWith("made.up"));
    }
}
