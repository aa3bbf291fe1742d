package dev.tenantry.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Whether a local stack runs, and the state of each of its components; exit 1 when none runs. */
@Command(
        name = "status",
        description = "Is a local stack running? Every component's state, pid, port, readiness "
                + "and restarts (a table, or JSON with --json)")
class StackStatus implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    LocalStack parent;

    @Option(names = "--json", description = "The stack's state file with every component's status, as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        StackFiles files = parent.files();
        Optional<Long> pid = files.runningPid();
        if (pid.isEmpty()) {
            System.out.println("No local stack is running");
            return 1;
        }
        if (!Files.exists(files.stateFile())) {
            System.out.println("The local stack (pid " + pid.get() + ") is starting");
            return 0;
        }
        ObjectNode state = (ObjectNode) JSON.readTree(files.stateFile().toFile());
        JsonNode components;
        try {
            components = ControlClient.of(files, JSON).components().path("components");
        } catch (IOException e) {
            System.err.println(
                    "The stack (pid " + pid.get() + ") did not answer on its control port: " + e.getMessage());
            return 1;
        }
        if (json) {
            state.set("components", components);
            System.out.println(JSON.writeValueAsString(state));
            return 0;
        }
        System.out.println("Local stack pid " + pid.get() + ", up since "
                + state.path("startedAt").asText() + ", logs in "
                + state.path("logs").asText());
        System.out.printf("%-21s %-11s %-8s %-6s %-6s %s%n", "COMPONENT", "STATE", "PID", "PORT", "READY", "RESTARTS");
        for (JsonNode c : components) {
            System.out.printf(
                    "%-21s %-11s %-8s %-6d %-6s %d%n",
                    c.path("name").asText(),
                    c.path("state").asText(),
                    c.path("pid").isNull() ? "-" : c.path("pid").asText(),
                    c.path("port").asInt(),
                    c.path("ready").asBoolean() ? "yes" : "no",
                    c.path("restarts").asInt());
        }
        return 0;
    }
}
