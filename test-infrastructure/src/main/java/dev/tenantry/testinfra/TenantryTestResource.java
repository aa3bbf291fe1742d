package dev.tenantry.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus application under test at the JVM-wide {@link TenantryInfrastructure}:
 * {@code @WithTestResource(TenantryTestResource.class)} on a {@code @QuarkusTest}.
 *
 * <p>{@link #stop()} does nothing: PostgreSQL and Kafka are shared by every test class of the
 * JVM and stopped when it exits.
 */
public class TenantryTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TenantryInfrastructure.get().quarkusConfig();
    }

    @Override
    public void stop() {
        // Shared with the other test classes of this JVM; a shutdown hook stops it at exit.
    }
}
