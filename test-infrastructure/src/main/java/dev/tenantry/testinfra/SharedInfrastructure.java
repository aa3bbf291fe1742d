package dev.tenantry.testinfra;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Holds the one running infrastructure of this JVM, across class loaders.
 *
 * <p>Quarkus tests load this module's classes again in their own class loaders (one per
 * application start), so a plain static field would start PostgreSQL and Kafka once per loader.
 * Instead, the infrastructure is started by the copy of this class in the system class loader
 * when there is one (that loader lives as long as the JVM), and described by a map of JDK types
 * only ({@link String}, {@link Boolean}, {@link Runnable}) that every loader can read.
 */
final class SharedInfrastructure {

    static final String K_PROVIDER = "provider";
    static final String K_JDBC_URL = "jdbcUrl";
    static final String K_USERNAME = "username";
    static final String K_PASSWORD = "password";
    static final String K_KAFKA = "kafkaBootstrapServers";
    static final String K_CAN_RESTART = "canRestartPostgres";
    static final String K_STOP_POSTGRES = "stopPostgres";
    static final String K_START_POSTGRES = "startPostgres";
    static final String K_SUMMARY = "summary";

    private static final String R_LOCK = "lock";
    private static final String R_HANDLE = "handle";
    private static final String R_FAILURE = "failure";

    private static final Logger LOG = Logger.getLogger(SharedInfrastructure.class);

    private SharedInfrastructure() {}

    /** The description of the running infrastructure, starting it if this is the first call in the JVM. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> handle() {
        Class<?> systemCopy = systemCopy();
        if (systemCopy != null) {
            return (Map<String, Object>) callSystemCopy(systemCopy, "handleHere");
        }
        return handleHere();
    }

    /** Whether this JVM has started the infrastructure (successfully). */
    static boolean started() {
        Class<?> systemCopy = systemCopy();
        if (systemCopy != null) {
            return Boolean.TRUE.equals(callSystemCopy(systemCopy, "startedHere"));
        }
        return startedHere();
    }

    static boolean startedHere() {
        return registry().get(R_HANDLE) != null;
    }

    /**
     * The copy of this class in the system class loader, if that is not this one: the copy
     * that owns the infrastructure. Null when this is that copy, or when this module is not on
     * the JVM's class path (then this loader owns its own).
     */
    private static Class<?> systemCopy() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (SharedInfrastructure.class.getClassLoader() == system) {
            return null;
        }
        try {
            Class<?> copy = Class.forName(SharedInfrastructure.class.getName(), true, system);
            return copy != SharedInfrastructure.class ? copy : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Object callSystemCopy(Class<?> systemCopy, String method) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(systemCopy.getClassLoader());
        try {
            Method m = systemCopy.getDeclaredMethod(method);
            m.setAccessible(true);
            return m.invoke(null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not reach " + systemCopy + " in the system class loader", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    // Never in the system properties: libraries (Narayana, for one) copy every system property
    // as a String and fail on any other value. handle() routes every loader to the system-loader
    // copy of this class when there is one, so a static field is shared JVM-wide.
    private static final Map<String, Object> REGISTRY = new ConcurrentHashMap<>();

    private static Map<String, Object> registry() {
        return REGISTRY;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> handleHere() {
        Map<String, Object> registry = registry();
        Object lock = registry.computeIfAbsent(R_LOCK, k -> new Object());
        synchronized (lock) {
            Object existing = registry.get(R_HANDLE);
            if (existing != null) {
                return (Map<String, Object>) existing;
            }
            Object failure = registry.get(R_FAILURE);
            if (failure != null) {
                throw new IllegalStateException(
                        "the test infrastructure failed to start earlier in this JVM: " + failure, (Throwable) failure);
            }
            try {
                Map<String, Object> handle = start();
                registry.put(R_HANDLE, handle);
                return handle;
            } catch (RuntimeException | Error e) {
                registry.put(R_FAILURE, e);
                throw e;
            }
        }
    }

    private static Map<String, Object> start() {
        // Load now what runs later, possibly after a test class loader is closed: stop/start
        // switches, the shutdown hook, and what closing the servers needs.
        for (Class<?> c : new Class<?>[] {PostgresSwitch.class, Stopper.class, FileTrees.class}) {
            try {
                Class.forName(c.getName(), true, SharedInfrastructure.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        ProviderSelection.Choice choice = ProviderSelection.choose();
        LOG.debugf("test infrastructure provider: %s", choice);
        RunningInfrastructure running;
        try {
            switch (choice.provider) {
                case ProviderSelection.EXTERNAL:
                    running = ExternalInfrastructure.start();
                    break;
                case ProviderSelection.TESTCONTAINERS:
                    running = ContainerInfrastructure.start();
                    break;
                default:
                    running = EmbeddedInfrastructure.start();
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("test infrastructure (" + choice + ") did not start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("test infrastructure (" + choice + ") did not start: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Stopper(running));
        LOG.infof("test infrastructure: %s", running.summary());

        Map<String, Object> handle = new ConcurrentHashMap<>();
        handle.put(K_PROVIDER, running.provider());
        handle.put(K_JDBC_URL, running.jdbcUrl());
        if (running.username() != null) {
            handle.put(K_USERNAME, running.username());
        }
        if (running.password() != null) {
            handle.put(K_PASSWORD, running.password());
        }
        handle.put(K_KAFKA, running.kafkaBootstrapServers());
        handle.put(K_CAN_RESTART, running.canRestartPostgres());
        handle.put(K_STOP_POSTGRES, new PostgresSwitch(running, false));
        handle.put(K_START_POSTGRES, new PostgresSwitch(running, true));
        handle.put(K_SUMMARY, running.summary());
        return Map.copyOf(handle);
    }

    /** A named class rather than a lambda: it may run after a test class loader was closed. */
    private static final class PostgresSwitch implements Runnable {
        private final RunningInfrastructure running;
        private final boolean start;

        PostgresSwitch(RunningInfrastructure running, boolean start) {
            this.running = running;
            this.start = start;
        }

        @Override
        public void run() {
            if (start) {
                running.startPostgres();
            } else {
                running.stopPostgres();
            }
        }
    }

    private static final class Stopper extends Thread {
        private final RunningInfrastructure running;

        Stopper(RunningInfrastructure running) {
            super("tenantry-test-infrastructure-stop");
            this.running = running;
        }

        @Override
        public void run() {
            try {
                running.close();
            } catch (RuntimeException e) {
                System.err.println("tenantry test infrastructure: could not stop cleanly: " + e);
            }
        }
    }
}
