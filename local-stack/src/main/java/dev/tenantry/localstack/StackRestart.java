package dev.tenantry.localstack;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Starts one component of the running stack again (stopping it first if it runs). */
@Command(
        name = "restart",
        description = "Restart one component of the running stack, or start a stopped one: "
                + "provisioning-service, migration-worker, webhook-dispatcher, postgres or kafka")
class StackRestart implements Callable<Integer> {

    @ParentCommand
    LocalStack parent;

    @Parameters(paramLabel = "COMPONENT")
    String component;

    @Override
    public Integer call() {
        return ComponentOperation.run(parent.files(), component, "restart");
    }
}
