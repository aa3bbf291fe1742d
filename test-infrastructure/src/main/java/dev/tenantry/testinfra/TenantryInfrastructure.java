package dev.tenantry.testinfra;

/**
 * The JVM-wide test infrastructure: PostgreSQL (with {@code wal_level=logical}) and Kafka,
 * started on first use, once per JVM, and stopped when the JVM exits.
 *
 * <p>Where they come from ({@code TENANTRY_TEST_PROVIDER} forces a choice):
 * <ol>
 *   <li>{@code external}: {@code TENANTRY_TEST_POSTGRES_URL} (a JDBC URL; {@code _USER} and
 *       {@code _PASSWORD} optional) and {@code TENANTRY_TEST_KAFKA_BOOTSTRAP} are set;</li>
 *   <li>{@code testcontainers}: a Docker engine is reachable;</li>
 *   <li>{@code embedded}: PostgreSQL 17 and a KRaft Kafka broker as local processes, under
 *       {@code tenantry.test.workdir}.</li>
 * </ol>
 * Each of these settings may also be given as a system property ({@code tenantry.test.provider},
 * {@code tenantry.test.postgres.url}, ...). With external servers and containers each JVM gets
 * a fresh database, so parallel builds never share tables.
 */
public final class TenantryInfrastructure {

    private static volatile Infrastructure instance;

    private TenantryInfrastructure() {}

    /**
     * The running infrastructure, started by the first call in this JVM (thread-safe; later
     * calls return at once). A failed start is not retried: later calls fail fast with the
     * same cause.
     *
     * @throws IllegalStateException if it could not be started
     */
    public static Infrastructure get() {
        Infrastructure i = instance;
        if (i == null) {
            synchronized (TenantryInfrastructure.class) {
                i = instance;
                if (i == null) {
                    i = new HandleInfrastructure(SharedInfrastructure.handle());
                    instance = i;
                }
            }
        }
        return i;
    }

    /** Whether the infrastructure has been started in this JVM (by any class loader). */
    public static boolean isStarted() {
        return SharedInfrastructure.started();
    }
}
