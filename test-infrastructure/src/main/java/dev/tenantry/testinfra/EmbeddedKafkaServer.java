package dev.tenantry.testinfra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A single-node Kafka (KRaft, broker and controller in one process) in a child JVM.
 *
 * <p>The child runs {@code dev.tenantry.kafkabroker.KafkaBrokerLauncher} from the
 * {@code embedded-kafka-broker} jar, with the broker's classpath recorded in that jar at build
 * time: Kafka's server classes, Scala and their Jackson never enter this JVM. Its output goes to
 * a log file. The child watches its standard input, a pipe from this JVM, and stops when the pipe
 * closes, so it cannot outlive this JVM even after a SIGKILL.
 *
 * <p>Options cover tests (fresh data, free ports) and a local stack (persistent data directory,
 * fixed ports, {@code cleanDataDirectory(false)}). A data directory formatted by an earlier start
 * is started again with the cluster id and node id recorded in it, whatever the ports.
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    static final String LAUNCHER_CLASS = "dev.tenantry.kafkabroker.KafkaBrokerLauncher";
    static final String CLASSPATH_RESOURCE = "tenantry/kafka-broker.classpath";
    /** System property: a complete classpath for the child JVM, instead of the packaged one. */
    public static final String CLASSPATH_PROPERTY = "tenantry.kafka.broker.classpath";

    static final String READY_MARKER = "TENANTRY-KAFKA-READY";
    static final String FAILED_MARKER = "TENANTRY-KAFKA-FAILED";

    private static final Logger LOG = Logger.getLogger(EmbeddedKafkaServer.class);

    private final Path dataDirectory;
    private final Path logFile;
    private final Path propertiesFile;
    private final Path pidFile;
    private final int port;
    private final int controllerPort;
    private final boolean cleanDataDirectory;
    private final boolean parentWatchdog;
    private final Duration startupTimeout;
    private final Duration stopTimeout;
    private final List<String> javaOptions;
    private final Map<String, String> brokerProperties;
    private final boolean nodeIdChosen;

    private Process process;
    private boolean dataPrepared;
    private Duration lastStartDuration = Duration.ZERO;

    private EmbeddedKafkaServer(Builder builder) {
        this.dataDirectory = builder.dataDirectory.toAbsolutePath().normalize();
        String name = dataDirectory.getFileName().toString();
        this.logFile = builder.logFile != null
                ? builder.logFile.toAbsolutePath().normalize()
                : dataDirectory.resolveSibling(name + ".log");
        this.propertiesFile = dataDirectory.resolveSibling(name + ".properties");
        this.pidFile = dataDirectory.resolveSibling(name + ".pid");
        this.port = builder.port != 0 ? builder.port : FreePorts.find();
        this.controllerPort = builder.controllerPort != 0 ? builder.controllerPort : FreePorts.find();
        this.cleanDataDirectory = builder.cleanDataDirectory;
        this.parentWatchdog = builder.parentWatchdog;
        this.startupTimeout = builder.startupTimeout;
        this.stopTimeout = builder.stopTimeout;
        this.javaOptions = List.copyOf(builder.javaOptions);
        this.brokerProperties = defaultProperties();
        this.brokerProperties.putAll(builder.brokerProperties);
        this.nodeIdChosen = builder.brokerProperties.containsKey("node.id");
    }

    public static Builder builder() {
        return new Builder();
    }

    private Map<String, String> defaultProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDirectory.toString());
        p.put("num.partitions", "4");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("delete.topic.enable", "true");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        // Sized for a small machine: fewer threads, a small log-cleaner buffer (default 128 MB).
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "2");
        p.put("log.cleaner.dedupe.buffer.size", "8388608");
        return p;
    }

    /**
     * Starts the broker and waits until it serves clients; does nothing if it is running. The
     * first start with {@code cleanDataDirectory(true)} wipes the data directory.
     *
     * @throws IOException with the tail of the broker log when it fails or times out
     */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        long begin = System.nanoTime();
        stopLeftoverBroker(pidFile, Duration.ofSeconds(15));
        if (cleanDataDirectory && !dataPrepared) {
            FileTrees.deleteRecursively(dataDirectory);
        }
        dataPrepared = true;
        Files.createDirectories(dataDirectory);
        Files.createDirectories(logFile.getParent());
        adoptRecordedNodeId();
        writeProperties();

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-cp");
        command.add(childClasspath());
        command.add(LAUNCHER_CLASS);
        command.add(propertiesFile.toString());
        if (!parentWatchdog) {
            command.add("--no-stdin-watchdog");
        }

        long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (!parentWatchdog) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        // With the watchdog, stdin stays a pipe that this JVM never writes to nor closes
        // until stop(): its end-of-file tells the broker that we are gone.
        Process started = pb.start();
        process = started;
        Files.writeString(pidFile, ProcessIdentity.of(started.toHandle()).format(), StandardCharsets.UTF_8);

        try {
            awaitReady(started, logOffset);
        } catch (IOException | RuntimeException e) {
            stopProcess(started);
            process = null;
            throw e;
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - begin);
        LOG.debugf(
                "Kafka started on %s in %d ms (pid %d, log %s)",
                bootstrapServers(), lastStartDuration.toMillis(), started.pid(), logFile);
    }

    private void awaitReady(Process started, long logOffset) throws IOException {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        StringBuilder pending = new StringBuilder();
        long offset = logOffset;
        while (true) {
            if (Files.exists(logFile)) {
                try (RandomAccessFile raf = new RandomAccessFile(logFile.toFile(), "r")) {
                    long length = raf.length();
                    if (length > offset) {
                        byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
                        raf.seek(offset);
                        raf.readFully(bytes);
                        offset += bytes.length;
                        pending.append(new String(bytes, StandardCharsets.UTF_8));
                    }
                }
                int newline;
                while ((newline = pending.indexOf("\n")) >= 0) {
                    String line = pending.substring(0, newline);
                    pending.delete(0, newline + 1);
                    if (line.startsWith(READY_MARKER)) {
                        return;
                    }
                    if (line.startsWith(FAILED_MARKER)) {
                        throw new IOException("Kafka failed to start: "
                                + line.substring(FAILED_MARKER.length()).trim() + "\nlast lines of " + logFile + ":\n"
                                + FileTrees.tail(logFile, 40));
                    }
                }
            }
            if (!started.isAlive()) {
                throw new IOException("Kafka broker JVM exited with code " + started.exitValue()
                        + " before it was ready; last lines of " + logFile + ":\n" + FileTrees.tail(logFile, 40));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Kafka was not ready within " + startupTimeout.toSeconds() + " s on "
                        + bootstrapServers() + "; last lines of " + logFile + ":\n" + FileTrees.tail(logFile, 40));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Kafka", e);
            }
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after the stop timeout) and keeps its data. */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p != null) {
            stopProcess(p);
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // Harmless: a stale pid file is checked against the live process before use.
        }
    }

    /** Stops the broker and, with {@code cleanDataDirectory(true)}, deletes its data. */
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

    private void stopProcess(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf(
                        "Kafka broker (pid %d) did not stop within %d s; killing it", p.pid(), stopTimeout.toSeconds());
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logFile() {
        return logFile;
    }

    /** Process id of the broker JVM, if running. */
    public synchronized Optional<Long> pid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    /** Time taken by the last {@link #start()}: child JVM start, storage format, broker ready. */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** The broker configuration written for the child. */
    public Map<String, String> brokerProperties() {
        return Map.copyOf(brokerProperties);
    }

    /**
     * The cluster id recorded in the data directory ({@code meta.properties}), present once the
     * broker has formatted it. A restart on kept data reuses it (the launcher formats only empty
     * directories and keeps the id it finds).
     */
    public Optional<String> clusterId() throws IOException {
        return recordedStorage(dataDirectory)
                .map(p -> p.getProperty("cluster.id"))
                .map(String::trim)
                .filter(id -> !id.isEmpty());
    }

    /**
     * A data directory formatted earlier belongs to the node id recorded in it; Kafka refuses to
     * start it under another. Unless the caller chose a node id, take the recorded one.
     */
    private void adoptRecordedNodeId() throws IOException {
        Optional<String> recorded = recordedStorage(dataDirectory)
                .map(p -> p.getProperty("node.id"))
                .map(String::trim)
                .filter(id -> !id.isEmpty());
        if (recorded.isEmpty() || recorded.get().equals(brokerProperties.get("node.id"))) {
            return;
        }
        if (nodeIdChosen) {
            throw new IOException(dataDirectory + " was formatted for node " + recorded.get() + ", not for node.id="
                    + brokerProperties.get("node.id") + "; use that node id or another data directory");
        }
        brokerProperties.put("node.id", recorded.get());
        brokerProperties.put("controller.quorum.voters", recorded.get() + "@" + HOST + ":" + controllerPort);
    }

    /** The contents of {@code meta.properties} in a formatted Kafka data directory. */
    static Optional<Properties> recordedStorage(Path directory) throws IOException {
        Path meta = directory.resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return Optional.of(properties);
    }

    private void writeProperties() throws IOException {
        Files.createDirectories(propertiesFile.getParent());
        try (Writer w = Files.newBufferedWriter(propertiesFile, StandardCharsets.UTF_8)) {
            w.write("# written by " + EmbeddedKafkaServer.class.getName() + "\n");
            for (Map.Entry<String, String> e : brokerProperties.entrySet()) {
                w.write(escape(e.getKey()) + "=" + escape(e.getValue()) + "\n");
            }
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    // ---------------------------------------------------------------------------------------

    /**
     * Stops a broker started earlier with the same data directory whose parent did not stop
     * it (only possible when its watchdog was off, or if it hangs).
     */
    static void stopLeftoverBroker(Path pidFile, Duration timeout) {
        Optional<ProcessIdentity> broker;
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            broker = ProcessIdentity.parse(Files.readString(pidFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return;
        }
        // Same pid and start time, and the launcher as an argument of its own: a recycled pid
        // never gets a signal.
        Optional<ProcessHandle> handle = broker.flatMap(ProcessIdentity::live)
                .filter(h -> h.info()
                                .arguments()
                                .map(args -> List.of(args).contains(LAUNCHER_CLASS))
                                .orElse(false)
                        || commandLineContains(h.pid(), LAUNCHER_CLASS));
        if (handle.isEmpty()) {
            return;
        }
        long pid = handle.get().pid();
        LOG.infof("stopping Kafka broker (pid %d) left running by an earlier run", pid);
        handle.get().destroy();
        try {
            handle.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.get().destroyForcibly();
        }
    }

    static boolean commandLineContains(long pid, String text) {
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            if (Files.exists(cmdline)) {
                return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(text);
            }
        } catch (IOException e) {
            return false;
        }
        return ProcessHandle.of(pid)
                .flatMap(h -> h.info().arguments())
                .map(args -> String.join(" ", args).contains(text))
                .orElse(false);
    }

    /**
     * The child JVM's classpath: the launcher jar (or classes directory) followed by the broker
     * classpath recorded inside it at build time.
     */
    static String childClasspath() {
        String override = System.getProperty(CLASSPATH_PROPERTY);
        if (override != null && !override.isBlank()) {
            return override;
        }
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        loaders.add(ClassLoader.getSystemClassLoader());
        loaders.add(EmbeddedKafkaServer.class.getClassLoader());
        if (Thread.currentThread().getContextClassLoader() != null) {
            loaders.add(Thread.currentThread().getContextClassLoader());
        }
        List<String> tried = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            URL url = loader.getResource(CLASSPATH_RESOURCE);
            if (url == null) {
                tried.add(loader + ": not found");
                continue;
            }
            Optional<Path> root = resourceRoot(url);
            if (root.isEmpty()) {
                tried.add(loader + ": unusable URL " + url);
                continue;
            }
            String recorded;
            try (InputStream in = url.openStream()) {
                recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + url, e);
            }
            List<String> missing = new ArrayList<>();
            for (String entry : recorded.split(File.pathSeparator)) {
                if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
                    missing.add(entry);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("the Kafka broker classpath recorded in " + root.get()
                        + " names files that are not here (built on another machine?): "
                        + missing.subList(0, Math.min(3, missing.size()))
                        + "; rebuild it with `mvn install` in embedded-kafka-broker");
            }
            return root.get() + File.pathSeparator + recorded;
        }
        throw new IllegalStateException("resource " + CLASSPATH_RESOURCE
                + " (from the embedded-kafka-broker jar) is not on"
                + " the classpath; add dev.tenantry:embedded-kafka-broker as a dependency. Looked in: " + tried);
    }

    /** The jar or directory that holds a resource, from the resource's URL. */
    static Optional<Path> resourceRoot(URL url) {
        try {
            String protocol = url.getProtocol();
            if ("jar".equals(protocol)) {
                String spec = url.getPath();
                int bang = spec.indexOf("!/");
                if (bang < 0) {
                    return Optional.empty();
                }
                return Optional.of(Path.of(new URL(spec.substring(0, bang)).toURI()));
            }
            if ("file".equals(protocol)) {
                Path file = Path.of(url.toURI());
                Path root = file;
                for (int i = 0; i < Path.of(CLASSPATH_RESOURCE).getNameCount(); i++) {
                    root = root.getParent();
                }
                return Optional.of(root);
            }
        } catch (URISyntaxException | IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------

    public static final class Builder {
        private Path dataDirectory;
        private Path logFile;
        private int port;
        private int controllerPort;
        private boolean cleanDataDirectory = true;
        private boolean parentWatchdog = true;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(15);
        private final List<String> javaOptions = new ArrayList<>(List.of(
                "-Xms64m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData",
                "-Djava.awt.headless=true"));
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {}

        /** Required: the broker's {@code log.dirs}. Log, properties and pid files go next to it. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory);
            return this;
        }

        /** Broker output. Default: {@code <data directory>.log} next to the data directory. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** Client port; 0 (default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** Controller port; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** true (default): empty data at first start, deleted on {@link #close()}; false: keep it. */
        public Builder cleanDataDirectory(boolean clean) {
            this.cleanDataDirectory = clean;
            return this;
        }

        /** The broker stops when this JVM dies (default true). */
        public Builder parentWatchdog(boolean watchdog) {
            this.parentWatchdog = watchdog;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Replaces the child JVM options (default: {@code -Xms64m -Xmx512m -XX:+UseSerialGC
         * -XX:TieredStopAtLevel=1 -XX:-UsePerfData}, tuned for quick start on a small machine;
         * drop {@code TieredStopAtLevel} for throughput measurements). Add
         * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} for a verbose broker log.
         */
        public Builder javaOptions(List<String> options) {
            this.javaOptions.clear();
            this.javaOptions.addAll(options);
            return this;
        }

        /** A broker property, overriding the defaults. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public EmbeddedKafkaServer build() {
            if (dataDirectory == null) {
                throw new IllegalStateException("dataDirectory is required");
            }
            return new EmbeddedKafkaServer(this);
        }

        /** Builds and starts. */
        public EmbeddedKafkaServer start() throws IOException {
            EmbeddedKafkaServer server = build();
            server.start();
            return server;
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            return port;
        }
    }
}
