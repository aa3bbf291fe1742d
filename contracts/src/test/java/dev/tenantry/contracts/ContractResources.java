package dev.tenantry.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads the module's schema files, snapshots and AsyncAPI document from the test classpath. */
final class ContractResources {

    static final String SCHEMAS = "schemas";
    static final String SNAPSHOTS = "schema-snapshots";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ContractResources() {}

    static JsonNode json(String resource) {
        try (InputStream in = ContractResources.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("missing classpath resource " + resource);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode schema(EventType type) {
        return json(type.schemaResource());
    }

    static JsonNode snapshot(EventType type) {
        return json(SNAPSHOTS + "/" + type.simpleName() + ".json");
    }

    /** The file names in a classpath directory (compiled resources are plain files in tests). */
    static List<String> fileNames(String directory) {
        Path dir = path(directory);
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path path(String resource) {
        URL url = ContractResources.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new AssertionError("missing classpath resource " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
