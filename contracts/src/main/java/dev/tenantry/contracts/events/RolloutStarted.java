package dev.tenantry.contracts.events;

import dev.tenantry.contracts.tenant.Validation;
import java.util.List;

/**
 * Lifecycle: a rollout of a release to the fleet was created and starts with its first stage.
 *
 * @param rolloutId     the rollout id, required
 * @param targetVersion the version it brings its tenants to, required
 * @param tenants       how many tenants it will migrate, required
 * @param stages        its stages' names in order, required (at least one)
 * @param requestedBy   who created it (an operator's name, or auto-heal), required
 */
public record RolloutStarted(
        String rolloutId, String targetVersion, int tenants, List<String> stages, String requestedBy)
        implements RolloutEvent {

    private static final Validation CHECK = Validation.of("RolloutStarted");

    /**
     * Creates the record, validating every component.
     *
     * @param rolloutId the rollout id, required
     * @param targetVersion the version it brings its tenants to, required
     * @param tenants how many tenants it will migrate, required
     * @param stages its stages' names in order, required
     * @param requestedBy who created it, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public RolloutStarted {
        CHECK.text("rolloutId", rolloutId);
        CHECK.version("targetVersion", targetVersion);
        CHECK.nonNegative("tenants", tenants);
        stages = List.copyOf(CHECK.notNull("stages", stages));
        stages.forEach(stage -> CHECK.text("stages", stage));
        CHECK.text("requestedBy", requestedBy);
    }
}
