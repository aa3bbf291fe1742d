package dev.tenantry.localstack;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Stops one component of the running stack; the supervisor leaves it down until {@code restart}. */
@Command(
        name = "stop",
        description = "Stop one component of the running stack (it stays stopped until `restart`): "
                + "provisioning-service, migration-worker, webhook-dispatcher, postgres or kafka")
class StackStop implements Callable<Integer> {

    @ParentCommand
    LocalStack parent;

    @Parameters(paramLabel = "COMPONENT")
    String component;

    @Override
    public Integer call() {
        return ComponentOperation.run(parent.files(), component, "stop");
    }
}
