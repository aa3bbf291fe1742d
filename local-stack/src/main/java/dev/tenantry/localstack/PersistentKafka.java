package dev.tenantry.localstack;

import dev.tenantry.testinfra.EmbeddedKafkaServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.Writer;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The same KRaft broker as the tests' {@link EmbeddedKafkaServer} (its launcher, classpath and
 * settings), started with the cluster id already recorded in the data folder. The test server
 * formats with a new random cluster id on every start, which Kafka refuses for a data folder
 * formatted before: fine for throwaway test data, not for a stack that keeps its data.
 */
final class PersistentKafka implements AutoCloseable {

    private static final String LAUNCHER = "dev.tenantry.kafkabroker.KafkaBrokerLauncher";
    private static final String CLASSPATH_RESOURCE = "tenantry/kafka-broker.classpath";
    private static final String READY = "TENANTRY-KAFKA-READY";
    private static final String FAILED = "TENANTRY-KAFKA-FAILED";

    private final Path dataDirectory;
    private final Path log;
    private final int port;
    private final int controllerPort;
    private Process process;

    PersistentKafka(Path dataDirectory, Path log, int port, int controllerPort) {
        this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
        this.log = log.toAbsolutePath().normalize();
        this.port = port;
        this.controllerPort = controllerPort;
    }

    String bootstrapServers() {
        return EmbeddedKafkaServer.HOST + ":" + port;
    }

    synchronized void start(Duration timeout) throws IOException {
        // Only for its settings: this server object is never started.
        Map<String, String> settings = EmbeddedKafkaServer.builder().dataDirectory(dataDirectory).port(port)
                .controllerPort(controllerPort).cleanDataDirectory(false).build().brokerProperties();
        Files.createDirectories(dataDirectory);
        Files.createDirectories(log.getParent());
        Path properties = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".properties");
        try (Writer out = Files.newBufferedWriter(properties, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.putAll(settings);
            p.store(out, "written by the Tenantry local stack");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Djava.awt.headless=true", "-cp", brokerClasspath(), LAUNCHER, properties.toString(),
                "--cluster-id", clusterId()));
        long offset = Files.exists(log) ? Files.size(log) : 0;
        // Standard input stays a pipe from this JVM: when it closes (this JVM gone, even by
        // SIGKILL) the launcher stops the broker.
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady(offset, timeout);
    }

    /** The cluster id in the data folder's meta.properties, or a new one for an empty folder. */
    private String clusterId() throws IOException {
        Path meta = dataDirectory.resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            String id = p.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id.trim();
            }
        }
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void awaitReady(long offset, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder pending = new StringBuilder();
        while (true) {
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                if (file.length() > offset) {
                    byte[] bytes = new byte[(int) Math.min(file.length() - offset, 1 << 20)];
                    file.seek(offset);
                    file.readFully(bytes);
                    offset += bytes.length;
                    pending.append(new String(bytes, StandardCharsets.UTF_8));
                }
            }
            for (String line : pending.toString().split("\n")) {
                if (line.startsWith(READY)) {
                    return;
                }
                if (line.startsWith(FAILED)) {
                    close();
                    throw new IOException("Kafka failed to start: " + line.substring(FAILED.length()).trim()
                            + " (log " + log + ")");
                }
            }
            if (!process.isAlive()) {
                throw new IOException("the Kafka broker exited with code " + process.exitValue() + " (log " + log + ")");
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IOException("Kafka was not ready within " + timeout.toSeconds() + " s (log " + log + ")");
            }
            sleep(100);
        }
    }

    @Override
    public synchronized void close() {
        Process p = process;
        process = null;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The launcher jar followed by the broker classpath its build recorded inside it. */
    private static String brokerClasspath() throws IOException {
        URL url = PersistentKafka.class.getClassLoader().getResource(CLASSPATH_RESOURCE);
        if (url == null) {
            throw new IOException(CLASSPATH_RESOURCE + " is not on the class path: the embedded-kafka-broker jar is missing");
        }
        Path root;
        try {
            if ("jar".equals(url.getProtocol())) {
                root = Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
            } else {
                root = Path.of(url.toURI()).getParent().getParent();
            }
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate " + url, e);
        }
        String recorded;
        try (InputStream in = url.openStream()) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        return root + java.io.File.pathSeparator + recorded;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
