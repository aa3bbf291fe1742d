package dev.tenantry.testinfra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Creates a new PostgreSQL cluster with {@code initdb --no-sync} before zonky starts the server.
 *
 * <p>zonky runs initdb without {@code --no-sync}; flushing the new cluster to disk took 1-4 s of
 * the start here (more on a busy disk), for data that tests throw away. zonky skips its own
 * initdb when the data directory already holds a cluster. This only works once zonky has
 * unpacked the binaries (it names their directory after the MD5 of the archive, computed the
 * same way here); otherwise, or if anything fails, zonky's own initdb runs as before.
 */
final class FastInitdb {

    private static final Logger LOG = Logger.getLogger(FastInitdb.class);
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static volatile String archiveDigest;

    private FastInitdb() {}

    /** @return whether the data directory now holds a new cluster */
    static boolean tryInit(Path binariesDirectory, Path dataDirectory, Path logFile) {
        try {
            Optional<Path> initdb = initdb(binariesDirectory);
            if (initdb.isEmpty()) {
                return false;
            }
            List<String> command = new ArrayList<>();
            if (isRoot() && Files.isExecutable(Path.of("/usr/bin/unshare"))) {
                // As zonky does: PostgreSQL refuses to run as root, but may in a user namespace.
                command.add("/usr/bin/unshare");
                command.add("-U");
            }
            command.addAll(List.of(
                    initdb.get().toString(),
                    "-A",
                    "trust",
                    "-U",
                    EmbeddedPostgresServer.SUPERUSER,
                    "-D",
                    dataDirectory.toString(),
                    "-E",
                    "UTF-8",
                    "--no-sync"));
            Files.createDirectories(dataDirectory);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("initdb did not finish within 60 s");
            }
            if (process.exitValue() != 0 || !Files.exists(dataDirectory.resolve("postgresql.conf"))) {
                throw new IOException("initdb exited with " + process.exitValue());
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debugf("initdb --no-sync not used (%s); zonky runs initdb", e.toString());
            try {
                FileTrees.deleteRecursively(dataDirectory);
            } catch (IOException ignored) {
                // zonky will report a directory it cannot use.
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** zonky's unpacked initdb, if the binaries of the archive on the class path are unpacked. */
    static Optional<Path> initdb(Path binariesDirectory) throws IOException {
        String digest = archiveDigest();
        if (digest == null) {
            return Optional.empty();
        }
        Path pgDir = binariesDirectory.resolve("PG-" + digest);
        Path initdb = pgDir.resolve("bin").resolve("initdb");
        if (!Files.exists(pgDir.resolve(".exists")) || !Files.isExecutable(initdb)) {
            return Optional.empty();
        }
        return Optional.of(initdb);
    }

    private static String archiveDigest() throws IOException {
        String digest = archiveDigest;
        if (digest != null) {
            return digest;
        }
        ClassLoader loader = EmbeddedPostgres.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(ARCHIVE)) {
            if (in == null) {
                return null;
            }
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            try (DigestInputStream din = new DigestInputStream(in, md5)) {
                din.transferTo(java.io.OutputStream.nullOutputStream());
            }
            digest = HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
        archiveDigest = digest;
        return digest;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return "root".equals(System.getProperty("user.name"));
        }
        return false;
    }
}
