package dev.tenantry.testinfra;

import java.util.Locale;
import java.util.Optional;

/**
 * Settings read from a system property or, failing that, the environment variable of the same
 * name in upper case with underscores ({@code tenantry.test.provider} /
 * {@code TENANTRY_TEST_PROVIDER}).
 */
final class Settings {

    static final String PROVIDER = "tenantry.test.provider";
    static final String POSTGRES_URL = "tenantry.test.postgres.url";
    static final String POSTGRES_USER = "tenantry.test.postgres.user";
    static final String POSTGRES_PASSWORD = "tenantry.test.postgres.password";
    static final String KAFKA_BOOTSTRAP = "tenantry.test.kafka.bootstrap";
    static final String KEEP_DATABASE = "tenantry.test.keep.database";
    static final String POSTGRES_IMAGE = "tenantry.test.postgres.image";
    static final String KAFKA_IMAGE = "tenantry.test.kafka.image";
    static final String WORKDIR = "tenantry.test.workdir";
    static final String POSTGRES_BINARIES = "tenantry.test.postgres.binaries";
    static final String STARTUP_TIMEOUT = "tenantry.test.startup.timeout.seconds";
    /** "on": the embedded PostgreSQL syncs its WAL to disk, for durability measurements (benchmarks). */
    static final String POSTGRES_FSYNC = "tenantry.test.postgres.fsync";

    private Settings() {}

    static Optional<String> get(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(envName(property));
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    static String envName(String property) {
        return property.replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
