package dev.tenantry.localstack;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar local-stack/target/local-stack.jar up|down|status|stop|restart}: the whole system on this
 * machine. The repository's {@code ./tenantry} script builds what is missing and calls this.
 */
@Command(
        name = "tenantry",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Run Tenantry locally: PostgreSQL, Kafka, the three services and a webhook receiver.",
        subcommands = {StackUp.class, StackDown.class, StackStatus.class, StackStop.class, StackRestart.class})
public class LocalStack implements Runnable {

    @Option(
            names = "--home",
            scope = CommandLine.ScopeType.INHERIT,
            defaultValue = ".tenantry",
            paramLabel = "DIR",
            description = "Data, logs, pid and token files (default ${DEFAULT-VALUE})")
    Path home;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing command: up, down, status, stop or restart");
    }

    StackFiles files() {
        return new StackFiles(home.toAbsolutePath().normalize());
    }

    public static void main(String[] args) {
        // Quiet third-party logging (zonky, Kafka clients): the stack prints what matters itself.
        System.setProperty(
                "org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // zonky's only error of its own is "Could not stop postmaster", with a stack trace, when the
        // supervisor cleans up after a crashed PostgreSQL: expected there, and a failed start still
        // reaches the stack as an exception.
        System.setProperty(
                "org.slf4j.simpleLogger.log.io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
                System.getProperty(
                        "org.slf4j.simpleLogger.log.io.zonky.test.db.postgres.embedded.EmbeddedPostgres", "off"));
        CommandLine cli = new CommandLine(new LocalStack());
        cli.registerConverter(Duration.class, dev.tenantry.tenantctl.output.Times::duration);
        cli.setOut(new PrintWriter(System.out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
        System.exit(cli.execute(args));
    }
}
