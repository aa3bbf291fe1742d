package dev.tenantry.worker.model;

/**
 * What Flyway did to one tenant schema. A failed outcome is a permanent failure (bad SQL,
 * checksum mismatch): transient failures never become outcomes, they are thrown and retried.
 *
 * @param fromVersion    version before the run, null for an empty schema
 * @param toVersion      version after the run (for a failure: the version the schema stayed at)
 * @param failedVersion  the migration that failed, when one did
 */
public record MigrationOutcome(
        boolean succeeded,
        String fromVersion,
        String toVersion,
        int appliedCount,
        String failedVersion,
        String errorCode,
        String errorMessage) {

    public static MigrationOutcome succeeded(String fromVersion, String toVersion, int appliedCount) {
        return new MigrationOutcome(true, fromVersion, toVersion, appliedCount, null, null, null);
    }

    public static MigrationOutcome failed(
            String currentVersion, String failedVersion, String errorCode, String errorMessage) {
        return new MigrationOutcome(false, currentVersion, currentVersion, 0, failedVersion, errorCode, errorMessage);
    }
}
