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
 * @param detail for a rollback whether the schema existed; for a deletion the archive's name, followed by
 *               {@code " empty"} when the tenant's schema was not there and the archive is an empty schema
 * @param errorCode for a rollback or deletion that changed nothing: {@link #SKIPPED}, with the reason
 *                  in {@code errorMessage}
 */
public record MigrationRun(
        String tenantId,
        String schema,
        String requestId,
        RunKind kind,
        boolean succeeded,
        String fromVersion,
        String toVersion,
        String failedVersion,
        int appliedCount,
        Instant startedAt,
        Instant finishedAt,
        String errorCode,
        String errorMessage,
        String detail) {

    /** Error code of a rollback or deletion the worker declined: it was for another tenant or superseded. */
    public static final String SKIPPED = "SKIPPED";

    private static final String EMPTY_ARCHIVE = " empty";

    /** A rollback: the schema was dropped (or was already gone), or with a skip reason nothing changed. */
    public static MigrationRun rollback(
            String tenantId,
            String schema,
            String requestId,
            boolean schemaExisted,
            String skippedReason,
            Instant startedAt,
            Instant finishedAt) {
        return new MigrationRun(
                tenantId,
                schema,
                requestId,
                RunKind.ROLLBACK,
                true,
                null,
                null,
                null,
                0,
                startedAt,
                finishedAt,
                skippedReason == null ? null : SKIPPED,
                skippedReason,
                Boolean.toString(schemaExisted));
    }

    /** A deletion: the schema was archived (or an empty archive stands for it), or nothing changed. */
    public static MigrationRun deletion(
            String tenantId,
            String schema,
            String requestId,
            String archive,
            boolean schemaExisted,
            String skippedReason,
            Instant startedAt,
            Instant finishedAt) {
        return new MigrationRun(
                tenantId,
                schema,
                requestId,
                RunKind.DELETION,
                true,
                null,
                null,
                null,
                0,
                startedAt,
                finishedAt,
                skippedReason == null ? null : SKIPPED,
                skippedReason,
                schemaExisted ? archive : archive + EMPTY_ARCHIVE);
    }

    /** Why a rollback or deletion changed nothing; null when it was carried out. */
    public String skippedReason() {
        return SKIPPED.equals(errorCode) ? errorMessage : null;
    }

    /** A deletion recorded by a release that could not name an archive when there was none. */
    public boolean isDeletionWithoutArchive() {
        return kind == RunKind.DELETION && detail == null;
    }

    public long durationMs() {
        return finishedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    public static MigrationRun migration(
            String tenantId,
            String schema,
            String requestId,
            RunKind kind,
            MigrationOutcome outcome,
            Instant startedAt,
            Instant finishedAt) {
        return new MigrationRun(
                tenantId,
                schema,
                requestId,
                kind,
                outcome.succeeded(),
                outcome.fromVersion(),
                outcome.toVersion(),
                outcome.failedVersion(),
                outcome.appliedCount(),
                startedAt,
                finishedAt,
                outcome.errorCode(),
                outcome.errorMessage(),
                null);
    }

    /** The result event this run stands for on tenant-migration-results. */
    public TenantryEvent toResult() {
        return switch (kind) {
            case NEW, UPGRADE ->
                succeeded
                        ? new TenantMigrated(
                                tenantId,
                                schema,
                                kind.migrationKind(),
                                fromVersion,
                                toVersion,
                                appliedCount,
                                durationMs())
                        : new TenantMigrationFailed(
                                tenantId,
                                schema,
                                kind.migrationKind(),
                                failedVersion,
                                errorCode,
                                errorMessage,
                                toVersion);
            case ROLLBACK -> new TenantRolledBack(tenantId, schema, Boolean.parseBoolean(detail), skippedReason());
            case DELETION ->
                detail.endsWith(EMPTY_ARCHIVE)
                        ? new TenantDeleted(
                                tenantId,
                                schema,
                                detail.substring(0, detail.length() - EMPTY_ARCHIVE.length()),
                                false,
                                skippedReason())
                        : new TenantDeleted(tenantId, schema, detail, null, skippedReason());
        };
    }
}
