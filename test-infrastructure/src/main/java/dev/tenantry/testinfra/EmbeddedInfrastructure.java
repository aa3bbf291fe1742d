package dev.tenantry.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * PostgreSQL and Kafka as processes of this machine, under the test working directory
 * ({@code tenantry.test.workdir}; failsafe sets it to {@code target/test-infrastructure}):
 *
 * <pre>
 * postgres-binaries/        unpacked once, reused by later runs
 * run-&lt;pid&gt;-&lt;random&gt;/      one per JVM: owner, postgres-data/, postgres.log, kafka-data/, kafka.log ...
 * </pre>
 *
 * Directories of earlier runs whose JVM is gone are removed at start, after stopping any server
 * still running in them.
 */
final class EmbeddedInfrastructure implements RunningInfrastructure {

    static final String DATABASE = "tenantry";
    private static final Logger LOG = Logger.getLogger(EmbeddedInfrastructure.class);
    private static final String OWNER_FILE = "owner";

    private final Path runDirectory;
    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaServer kafka;
    private final String summary;

    private EmbeddedInfrastructure(
            Path runDirectory, EmbeddedPostgresServer postgres, EmbeddedKafkaServer kafka, String summary) {
        this.runDirectory = runDirectory;
        this.postgres = postgres;
        this.kafka = kafka;
        this.summary = summary;
    }

    static Path workDirectory() {
        return Settings.get(Settings.WORKDIR)
                .map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "tenantry-test"))
                .toAbsolutePath()
                .normalize();
    }

    /**
     * Where the PostgreSQL binaries are unpacked: {@code postgres-binaries} in the working
     * directory, or {@code tenantry.test.postgres.binaries} / {@code TENANTRY_TEST_POSTGRES_BINARIES}
     * to share one unpacked copy between modules and runs (saves the unpacking, a few seconds,
     * after every {@code mvn clean}).
     */
    static Path binariesDirectory(Path workdir) {
        return Settings.get(Settings.POSTGRES_BINARIES)
                .map(Path::of)
                .orElseGet(() -> workdir.resolve("postgres-binaries"))
                .toAbsolutePath()
                .normalize();
    }

    static EmbeddedInfrastructure start() throws IOException {
        Path workdir = workDirectory();
        Files.createDirectories(workdir);
        removeStaleRuns(workdir);

        ProcessHandle self = ProcessHandle.current();
        Path run = workdir.resolve("run-" + self.pid() + "-" + TestNames.randomSuffix(4));
        Files.createDirectories(run);
        Files.writeString(run.resolve(OWNER_FILE), ownerLine(self), StandardCharsets.UTF_8);

        // 180 s each by default: a 2-core machine busy with other builds can need minutes for a cold
        // start. TENANTRY_TEST_STARTUP_TIMEOUT_SECONDS changes it.
        Duration timeout = Duration.ofSeconds(
                Settings.get(Settings.STARTUP_TIMEOUT).map(Long::parseLong).orElse(180L));
        EmbeddedPostgresServer.Builder postgresBuilder = EmbeddedPostgresServer.builder()
                .dataDirectory(run.resolve("postgres-data"))
                .binariesDirectory(binariesDirectory(workdir))
                .logFile(run.resolve("postgres.log"))
                .startupTimeout(timeout);
        if (Settings.get(Settings.POSTGRES_FSYNC)
                .filter(v -> v.equals("on") || v.equals("true"))
                .isPresent()) {
            postgresBuilder.serverSetting("fsync", "on");
        }
        EmbeddedPostgresServer postgres = postgresBuilder.build();
        EmbeddedKafkaServer kafka = EmbeddedKafkaServer.builder()
                .dataDirectory(run.resolve("kafka-data"))
                .logFile(run.resolve("kafka.log"))
                .startupTimeout(timeout)
                .build();

        // Both at once: PostgreSQL is mostly process start and I/O, Kafka mostly a JVM warming up.
        CompletableFuture<String> pg = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        postgres.start();
                        postgres.createDatabase(DATABASE);
                        try (Connection c = postgres.dataSource(DATABASE).getConnection()) {
                            return Databases.show(c, "server_version");
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                },
                daemonThread("tenantry-start-postgres"));
        CompletableFuture<Void> kf = CompletableFuture.runAsync(
                () -> {
                    try {
                        kafka.start();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                daemonThread("tenantry-start-kafka"));

        String version;
        try {
            version = join(pg);
            join(kf);
        } catch (IOException | RuntimeException e) {
            // Whatever did start is stopped; the data stays for a look until the next run.
            kf.handle((v, t) -> null).join();
            pg.handle((v, t) -> null).join();
            kafka.stop();
            postgres.stop();
            throw e;
        }
        String summary = String.format(
                Locale.ROOT,
                "embedded (PostgreSQL %s ready in %.1f s, Kafka ready in %.1f s; %s)",
                version,
                seconds(postgres.lastStartDuration()),
                seconds(kafka.lastStartDuration()),
                run);
        return new EmbeddedInfrastructure(run, postgres, kafka, summary);
    }

    /**
     * Runs a task on a new daemon thread of its own. Starting servers blocks for seconds; on the
     * shared ForkJoin pool such a task could wait behind (or hold up) unrelated work.
     */
    static java.util.concurrent.Executor daemonThread(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException) {
                throw ((UncheckedIOException) cause).getCause();
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new CompletionException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the test infrastructure", e);
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    // ---------------------------------------------------------------------------------------

    static String ownerLine(ProcessHandle process) {
        return ProcessIdentity.of(process).format();
    }

    /** Whether the JVM that wrote an owner file is still alive (same pid and start time). */
    static boolean ownerAlive(Path runDirectory) {
        Path owner = runDirectory.resolve(OWNER_FILE);
        try {
            return ProcessIdentity.parse(Files.readString(owner, StandardCharsets.UTF_8))
                    .orElseThrow(() -> new IllegalStateException("unreadable owner file " + owner))
                    .live()
                    .isPresent();
        } catch (IOException | RuntimeException e) {
            // No owner file yet: a run that is being set up right now, unless it is old.
            try {
                return Files.getLastModifiedTime(runDirectory)
                        .toInstant()
                        .isAfter(Instant.now().minusSeconds(120));
            } catch (IOException ignored) {
                return false;
            }
        }
    }

    /** Stops servers left by earlier JVMs that were killed, and removes their directories. */
    static int removeStaleRuns(Path workdir) {
        int removed = 0;
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(workdir, "run-*")) {
            for (Path run : runs) {
                if (!Files.isDirectory(run) || ownerAlive(run)) {
                    continue;
                }
                if (EmbeddedPostgresServer.stopLeftoverServer(run.resolve("postgres-data"), Duration.ofSeconds(15))) {
                    LOG.infof("stopped a PostgreSQL server left by a killed test JVM in %s", run);
                }
                EmbeddedKafkaServer.stopLeftoverBroker(run.resolve("kafka-data.pid"), Duration.ofSeconds(15));
                try {
                    FileTrees.deleteRecursively(run);
                    removed++;
                } catch (IOException e) {
                    LOG.warnf("could not remove %s: %s", run, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warnf("could not look for stale runs in %s: %s", workdir, e.toString());
        }
        return removed;
    }

    // ---------------------------------------------------------------------------------------

    @Override
    public String provider() {
        return ProviderSelection.EMBEDDED;
    }

    @Override
    public String jdbcUrl() {
        return postgres.jdbcUrl(DATABASE);
    }

    @Override
    public String username() {
        return postgres.username();
    }

    @Override
    public String password() {
        return postgres.password();
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public boolean canRestartPostgres() {
        return true;
    }

    @Override
    public void stopPostgres() {
        postgres.stop();
    }

    @Override
    public void startPostgres() {
        try {
            postgres.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String summary() {
        return summary;
    }

    Path runDirectory() {
        return runDirectory;
    }

    /** Stops both servers at once and deletes their data; the logs stay until the next run. */
    @Override
    public void close() {
        Thread k = new Thread(kafka::close, "tenantry-stop-kafka");
        k.start();
        try {
            postgres.close();
        } finally {
            try {
                k.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
