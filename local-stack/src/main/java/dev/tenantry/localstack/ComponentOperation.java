package dev.tenantry.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** {@code ./tenantry stop|restart <component>}: asks the running stack to do it and prints the outcome. */
final class ComponentOperation {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ComponentOperation() {}

    static int run(StackFiles files, String component, String operation) {
        if (files.runningPid().isEmpty()) {
            System.out.println("No local stack is running");
            return 1;
        }
        if (!java.nio.file.Files.exists(files.stateFile())) {
            System.out.println("The local stack is still starting; try again once it is up");
            return 1;
        }
        try {
            JsonNode status = ControlClient.of(files, JSON).operate(component, operation);
            System.out.println(component + ": " + status.path("state").asText()
                    + (status.path("pid").isNull()
                            ? ""
                            : " (pid " + status.path("pid").asText() + ")"));
            return 0;
        } catch (IOException e) {
            System.err.println("Could not " + operation + " " + component + ": " + e.getMessage());
            return 1;
        }
    }
}
