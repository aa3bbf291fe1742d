package dev.tenantry.tenantctl.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The service URLs a running local stack ({@code ./tenantry up}) wrote to its {@code stack.json}.
 * A file left behind by a stack that is gone (its pid no longer runs) is ignored: its ports may be
 * anyone's by now.
 */
public final class StackFile {

    /** Environment variable naming the file; the launcher sets it inside a checkout with a stack. */
    public static final String VARIABLE = "TENANTRY_STACK_FILE";

    private StackFile() {}

    /** The URLs by service; empty when there is no file, it is unreadable, or its stack is not running. */
    public static Map<Service, String> urls(String file) {
        Map<Service, String> urls = new EnumMap<>(Service.class);
        if (file == null || file.isBlank() || !Files.isRegularFile(Path.of(file))) {
            return urls;
        }
        JsonNode state;
        try {
            state = new ObjectMapper().readTree(Path.of(file).toFile());
        } catch (IOException e) {
            return urls;
        }
        long pid = state.path("pid").asLong(-1);
        boolean running =
                pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!running) {
            return urls;
        }
        for (Service service : Service.values()) {
            String url = state.path("urls").path(service.shortName()).asText("");
            if (!url.isBlank()) {
                urls.put(service, url);
            }
        }
        return urls;
    }
}
