package dev.tenantry.localstack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Whether a local stack runs, and its addresses; exit 1 when none runs. */
@Command(name = "status", description = "Is a local stack running? Prints its state (URLs, pids) as JSON")
class StackStatus implements Callable<Integer> {

    @ParentCommand
    LocalStack parent;

    @Override
    public Integer call() throws Exception {
        StackFiles files = parent.files();
        Optional<Long> pid = files.runningPid();
        if (pid.isEmpty()) {
            System.out.println("No local stack is running");
            return 1;
        }
        if (Files.exists(files.stateFile())) {
            System.out.println(Files.readString(files.stateFile(), StandardCharsets.UTF_8));
        } else {
            System.out.println("The local stack (pid " + pid.get() + ") is starting");
        }
        return 0;
    }
}
