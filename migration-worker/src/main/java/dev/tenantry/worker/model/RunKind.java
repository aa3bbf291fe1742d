package dev.tenantry.worker.model;

import dev.tenantry.contracts.tenant.MigrationKind;

/** What a migration run did to a tenant schema; stored lower-case in {@code migration_run.kind}. */
public enum RunKind {
    NEW,
    UPGRADE,
    ROLLBACK,
    DELETION;

    public String dbValue() {
        return name().toLowerCase();
    }

    public static RunKind fromDb(String value) {
        return valueOf(value.toUpperCase());
    }

    public static RunKind of(MigrationKind kind) {
        return kind == MigrationKind.NEW ? NEW : UPGRADE;
    }

    public MigrationKind migrationKind() {
        return this == NEW ? MigrationKind.NEW : MigrationKind.UPGRADE;
    }
}
