package dev.tenantry.kafkabroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cluster id the launcher formats with: the one a kept data directory records, if any. */
class StorageFormatTests {

    @TempDir
    Path temp;

    @Test
    void storageDirectoriesAreTheLogDirsAndTheMetadataDir() {
        Properties p = new Properties();
        p.setProperty("log.dirs", "/a, /b");
        p.setProperty("metadata.log.dir", "/m");
        assertEquals(List.of(Path.of("/a"), Path.of("/b"), Path.of("/m")), KafkaBrokerLauncher.storageDirectories(p));
        Properties single = new Properties();
        single.setProperty("log.dir", "/only");
        assertEquals(List.of(Path.of("/only")), KafkaBrokerLauncher.storageDirectories(single));
    }

    @Test
    void theClusterIdRecordedInAFormattedDirectoryIsFound() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        Path formatted = formatted("formatted", "Zx3CeJ1CT9q3EoDJCZ8jZw");
        assertEquals(Optional.empty(), KafkaBrokerLauncher.recordedClusterId(List.of(empty)));
        assertEquals(
                Optional.of("Zx3CeJ1CT9q3EoDJCZ8jZw"),
                KafkaBrokerLauncher.recordedClusterId(List.of(empty, formatted)));
    }

    @Test
    void aFormattedDirectoryIsKeptAsItIs() throws IOException {
        Path data = formatted("data", "Zx3CeJ1CT9q3EoDJCZ8jZw");
        String meta = Files.readString(data.resolve("meta.properties"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KafkaBrokerLauncher.format(options(), logDirs(data), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(meta, Files.readString(data.resolve("meta.properties")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Zx3CeJ1CT9q3EoDJCZ8jZw"));
    }

    @Test
    void anExplicitClusterIdThatContradictsTheRecordedOneIsRefused() throws IOException {
        Path data = formatted("data", "Zx3CeJ1CT9q3EoDJCZ8jZw");
        KafkaBrokerLauncher.Options options = KafkaBrokerLauncher.Options.parse(
                new String[] {propertiesFile().toString(), "--cluster-id", "AAAAAAAAAAAAAAAAAAAAAA"});
        IOException e = assertThrows(
                IOException.class,
                () -> KafkaBrokerLauncher.format(
                        options,
                        logDirs(data),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("Zx3CeJ1CT9q3EoDJCZ8jZw"), e.getMessage());
    }

    private Path formatted(String name, String clusterId) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.writeString(
                dir.resolve("meta.properties"),
                "version=1\nnode.id=1\ndirectory.id=7R2ZJ9yQQwOsT8b0FtNlDg\ncluster.id=" + clusterId + "\n");
        return dir;
    }

    private KafkaBrokerLauncher.Options options() throws IOException {
        return KafkaBrokerLauncher.Options.parse(new String[] {propertiesFile().toString()});
    }

    private Path propertiesFile() throws IOException {
        Path file = temp.resolve("server.properties");
        if (!Files.exists(file)) {
            Files.writeString(file, "node.id=1\n");
        }
        return file;
    }

    private static Properties logDirs(Path dir) {
        Properties p = new Properties();
        p.setProperty("log.dirs", dir.toString());
        return p;
    }
}
