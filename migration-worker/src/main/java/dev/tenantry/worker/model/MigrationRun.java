package dev.tenantry.worker.model;

import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantryEvent;
import java.time.Instant;

/**
 * One attempt to create, upgrade, roll back or delete a tenant schema, as logged in the shared
 * {@code migration_run} table. It holds enough to publish the same result again when its request
 * is redelivered.
 *
 * @param detail for a rollback whether the schema existed; for a deletion the archived schema name
 */
public record MigrationRun(String tenantId, String schema, String requestId, RunKind kind, boolean succeeded,
                           String fromVersion, String toVersion, String failedVersion, int appliedCount,
                           Instant startedAt, Instant finishedAt, String errorCode, String errorMessage,
                           String detail) {

    public long durationMs() {
        return finishedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    public static MigrationRun migration(String tenantId, String schema, String requestId, RunKind kind,
                                         MigrationOutcome outcome, Instant startedAt, Instant finishedAt) {
        return new MigrationRun(tenantId, schema, requestId, kind, outcome.succeeded(), outcome.fromVersion(),
                outcome.toVersion(), outcome.failedVersion(), outcome.appliedCount(), startedAt, finishedAt,
                outcome.errorCode(), outcome.errorMessage(), null);
    }

    /** The result event this run stands for on tenant-migration-results. */
    public TenantryEvent toResult() {
        return switch (kind) {
            case NEW, UPGRADE -> succeeded
                    ? new TenantMigrated(tenantId, schema, kind.migrationKind(), fromVersion, toVersion, appliedCount,
                            durationMs())
                    : new TenantMigrationFailed(tenantId, schema, kind.migrationKind(), failedVersion, errorCode,
                            errorMessage, toVersion);
            case ROLLBACK -> new TenantRolledBack(tenantId, schema, Boolean.parseBoolean(detail));
            case DELETION -> new TenantDeleted(tenantId, schema, detail);
        };
    }
}
