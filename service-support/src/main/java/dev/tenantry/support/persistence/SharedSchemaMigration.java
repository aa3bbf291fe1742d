package dev.tenantry.support.persistence;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Migrates the service's own tables in the shared schema before anything else starts (consumers,
 * relays, schedulers observe start-up later). If that fails the service must not run: it logs one
 * line saying what failed and what to do, and start-up is aborted (the process exits non-zero).
 * Services set {@code quarkus.flyway.migrate-at-start=false} so that this is the only place it
 * happens.
 */
@ApplicationScoped
public class SharedSchemaMigration {

    private static final Logger LOG = Logger.getLogger(SharedSchemaMigration.class);

    void migrate(
            @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start, Instance<Flyway> flyway) {
        if (!flyway.isResolvable()) {
            return;
        }
        Flyway shared = flyway.get();
        try {
            shared.migrate();
        } catch (RuntimeException e) {
            LOG.errorf(
                    "Shared-schema migration failed (history table %s): %s. Not starting: fix the database or the "
                            + "migration, then start again; run 'flyway repair' only if a migration was changed on purpose.",
                    shared.getConfiguration().getTable(), firstLine(e.getMessage()));
            throw new SharedSchemaMigrationFailed(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Start-up aborted because the shared schema could not be migrated. */
    public static class SharedSchemaMigrationFailed extends RuntimeException {
        SharedSchemaMigrationFailed(Throwable cause) {
            super("shared-schema migration failed", cause);
        }
    }
}
