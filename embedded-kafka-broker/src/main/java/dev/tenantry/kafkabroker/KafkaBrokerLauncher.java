package dev.tenantry.kafkabroker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Starts a single KRaft Kafka node (combined broker + controller) from a properties file.
 *
 * <p>Usage: {@code KafkaBrokerLauncher <server.properties> [--cluster-id ID] [--no-stdin-watchdog]}
 *
 * <ol>
 *   <li>formats the log directories unless they are formatted already; the cluster id recorded
 *       in an existing directory's {@code meta.properties} is kept (Kafka refuses another);</li>
 *   <li>starts the node and prints {@value #READY_MARKER} once the broker is unfenced and
 *       serving;</li>
 *   <li>unless disabled, watches standard input: when it reaches end-of-file the parent that
 *       started this JVM is gone (also after a SIGKILL, as the kernel closes the pipe), and the
 *       node stops, forcibly after {@value #HALT_GRACE_SECONDS} s.</li>
 * </ol>
 *
 * <p>Meant to run in its own JVM so that the broker's Scala, Jackson and logging libraries
 * never meet the classpath of the application or test that uses it.
 */
public final class KafkaBrokerLauncher {

    /** Printed on standard output, on a line of its own prefix, when the broker is ready. */
    public static final String READY_MARKER = "TENANTRY-KAFKA-READY";
    /** Printed when the node could not be formatted or started. */
    public static final String FAILED_MARKER = "TENANTRY-KAFKA-FAILED";

    static final int HALT_GRACE_SECONDS = 15;
    static final String META_PROPERTIES = "meta.properties";

    private KafkaBrokerLauncher() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(
                    "usage: KafkaBrokerLauncher <server.properties> [--cluster-id ID] [--no-stdin-watchdog]");
            System.exit(64);
            return;
        }
        configureQuietLogging();
        PrintStream out = System.out;
        long started = System.nanoTime();

        if (options.stdinWatchdog) {
            startStdinWatchdog(System.in);
        }

        Properties properties;
        try {
            properties = load(options.propertiesFile);
            format(options, properties, out);
        } catch (Exception | LinkageError e) {
            fail("could not prepare the broker storage", e);
            return;
        }

        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        } catch (Exception | LinkageError e) {
            fail("invalid broker configuration", e);
            return;
        }
        Thread hook = new Thread(
                () -> {
                    out.println("tenantry kafka launcher: stopping broker");
                    scheduleHalt(HALT_GRACE_SECONDS, 4);
                    server.shutdown();
                    server.awaitShutdown();
                    out.println("tenantry kafka launcher: broker stopped");
                    out.flush();
                },
                "tenantry-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        try {
            server.startup();
        } catch (Throwable e) {
            fail("broker failed to start", e);
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        out.println(READY_MARKER + " listeners=" + properties.getProperty("listeners", "") + " startup_ms=" + millis);
        out.flush();

        server.awaitShutdown();
    }

    /**
     * Formats the log directories that are not formatted yet. A directory formatted earlier keeps
     * its cluster id: Kafka refuses to format (or start) a directory recorded under another id, so
     * a restart on kept data must reuse the id found there instead of inventing a new one.
     */
    static void format(Options options, Properties properties, PrintStream out) throws IOException {
        List<Path> directories = storageDirectories(properties);
        Optional<String> recorded = recordedClusterId(directories);
        if (options.clusterId != null && recorded.isPresent() && !recorded.get().equals(options.clusterId)) {
            throw new IOException("the log directories were formatted for cluster " + recorded.get()
                    + ", not for the requested cluster " + options.clusterId);
        }
        if (!directories.isEmpty() && directories.stream().allMatch(KafkaBrokerLauncher::isFormatted)) {
            out.println("tenantry kafka launcher: log directories already formatted for cluster " + recorded.orElse("?")
                    + "; keeping them");
            return;
        }
        String clusterId = options.clusterId != null
                ? options.clusterId
                : recorded.orElseGet(() -> Uuid.randomUuid().toString());
        String[] formatArgs = {
            "format", "--cluster-id", clusterId, "--config", options.propertiesFile.toString(), "--ignore-formatted",
        };
        int code = StorageTool.execute(formatArgs, out);
        if (code != 0) {
            throw new IOException("kafka-storage format exited with " + code);
        }
    }

    /** Every directory the node keeps a {@code meta.properties} in: data and metadata log dirs. */
    static List<Path> storageDirectories(Properties properties) {
        Set<Path> directories = new LinkedHashSet<>();
        String logDirs = properties.getProperty("log.dirs", properties.getProperty("log.dir", ""));
        for (String dir : logDirs.split(",")) {
            if (!dir.isBlank()) {
                directories.add(Path.of(dir.trim()));
            }
        }
        String metadataDir = properties.getProperty("metadata.log.dir", "");
        if (!metadataDir.isBlank()) {
            directories.add(Path.of(metadataDir.trim()));
        }
        return new ArrayList<>(directories);
    }

    /** The cluster id recorded in the first formatted directory, if any. */
    static Optional<String> recordedClusterId(List<Path> directories) throws IOException {
        for (Path dir : directories) {
            if (isFormatted(dir)) {
                String id = load(dir.resolve(META_PROPERTIES))
                        .getProperty("cluster.id", "")
                        .trim();
                if (!id.isEmpty()) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isFormatted(Path directory) {
        return Files.isRegularFile(directory.resolve(META_PROPERTIES));
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    /**
     * The broker logs through SLF4J; the simple binding on its classpath writes to standard
     * output, which the parent redirects to a file. Warnings only, unless the caller has
     * chosen a level with {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=...}.
     */
    private static void configureQuietLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void startStdinWatchdog(InputStream in) {
        Thread watchdog = new Thread(
                () -> {
                    byte[] buffer = new byte[256];
                    try {
                        while (in.read(buffer) >= 0) {
                            // Content is ignored: only the end of the stream matters.
                        }
                    } catch (IOException e) {
                        // A broken pipe means the same as end-of-file: the parent is gone.
                    }
                    System.out.println("tenantry kafka launcher: standard input closed, the parent process is gone;"
                            + " shutting down");
                    System.out.flush();
                    scheduleHalt(HALT_GRACE_SECONDS, 3);
                    System.exit(0);
                },
                "tenantry-kafka-stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Halts the JVM after a grace period, whatever the shutdown hooks are doing. */
    private static void scheduleHalt(int seconds, int status) {
        Thread halter = new Thread(
                () -> {
                    try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    System.out.println(
                            "tenantry kafka launcher: broker did not stop within " + seconds + " s; halting");
                    System.out.flush();
                    Runtime.getRuntime().halt(status);
                },
                "tenantry-kafka-halter");
        halter.setDaemon(true);
        halter.start();
    }

    private static void fail(String message, Throwable cause) {
        System.out.println(FAILED_MARKER + " " + message + ": " + cause);
        cause.printStackTrace(System.out);
        System.out.flush();
        // Kafka leaves non-daemon threads behind after a failed start; do not wait for them.
        Runtime.getRuntime().halt(1);
    }

    static final class Options {
        final Path propertiesFile;
        final String clusterId;
        final boolean stdinWatchdog;

        private Options(Path propertiesFile, String clusterId, boolean stdinWatchdog) {
            this.propertiesFile = propertiesFile;
            this.clusterId = clusterId;
            this.stdinWatchdog = stdinWatchdog;
        }

        static Options parse(String[] args) {
            List<String> positional = new ArrayList<>();
            String clusterId = null;
            boolean watchdog = true;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--cluster-id":
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("--cluster-id needs a value");
                        }
                        clusterId = args[++i];
                        break;
                    case "--no-stdin-watchdog":
                        watchdog = false;
                        break;
                    default:
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        positional.add(arg);
                }
            }
            if (positional.size() != 1) {
                throw new IllegalArgumentException("expected exactly one properties file");
            }
            Path file = Path.of(positional.get(0));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such properties file: " + file);
            }
            return new Options(file, clusterId, watchdog);
        }
    }
}
