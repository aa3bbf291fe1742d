package dev.tenantry.provisioning.health;

import dev.tenantry.provisioning.messaging.intake.TenantCommandConsumer;
import dev.tenantry.provisioning.messaging.results.MigrationResultConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while both consumers (commands, migration results) run. */
@Readiness
@ApplicationScoped
public class ProvisioningConsumersCheck implements HealthCheck {

    private final TenantCommandConsumer commands;
    private final MigrationResultConsumer results;

    public ProvisioningConsumersCheck(TenantCommandConsumer commands, MigrationResultConsumer results) {
        this.commands = commands;
        this.results = results;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("consumers")
                .withData("tenant-commands", commands.isRunning())
                .withData("tenant-migration-results", results.isRunning())
                .status(commands.isRunning() && results.isRunning())
                .build();
    }
}
