package dev.tenantry.localstack;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Stops a running local stack through its pid file: it stops its services, Kafka and PostgreSQL itself. */
@Command(name = "down", description = "Stop the running local stack")
class StackDown implements Callable<Integer> {

    @ParentCommand
    LocalStack parent;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait before killing it")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        StackFiles files = parent.files();
        Optional<Long> pid = files.runningPid();
        if (pid.isEmpty()) {
            System.out.println("No local stack is running (" + files.pidFile() + ")");
            java.nio.file.Files.deleteIfExists(files.pidFile());
            java.nio.file.Files.deleteIfExists(files.stateFile());
            return 0;
        }
        ProcessHandle stack = ProcessHandle.of(pid.get()).orElseThrow();
        System.out.println("Stopping the local stack (pid " + pid.get() + ") ...");
        stack.destroy();
        try {
            stack.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.out.println(
                    "Still running after " + timeoutSeconds + " s: killing it (its watchdogs stop the rest)");
            stack.destroyForcibly();
            stack.onExit().get(30, TimeUnit.SECONDS);
        }
        System.out.println("Stopped.");
        return 0;
    }
}
