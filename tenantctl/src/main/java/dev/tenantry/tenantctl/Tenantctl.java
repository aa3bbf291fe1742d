package dev.tenantry.tenantctl;

import dev.tenantry.tenantctl.client.ApiException;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.client.StackFile;
import dev.tenantry.tenantctl.client.UnreachableException;
import dev.tenantry.tenantctl.command.Cli;
import dev.tenantry.tenantctl.command.DlqCommand;
import dev.tenantry.tenantctl.command.GlobalOptions;
import dev.tenantry.tenantctl.command.HealthCommand;
import dev.tenantry.tenantctl.command.MigrationsCommand;
import dev.tenantry.tenantctl.command.RolloutsCommand;
import dev.tenantry.tenantctl.command.TenantsCommand;
import dev.tenantry.tenantctl.command.TokenCommand;
import dev.tenantry.tenantctl.command.WebhooksCommand;
import dev.tenantry.tenantctl.output.Times;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The Tenantry operations command line. Exit codes: 0 all well, 1 problems found (drift, an
 * unhealthy or unreachable service, refused replays, a failed request), 2 usage error (including
 * a request the service refused as invalid: 400 or 422).
 */
@Command(
        name = "tenantctl",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = Tenantctl.Version.class,
        description = "Operate Tenantry: tenants, migration drift, dead letters, webhooks, health.",
        footer = {
            "",
            "Environment: TENANTRY_PROVISIONING_URL (default http://localhost:8081), TENANTRY_WORKER_URL "
                    + "(http://localhost:8082), TENANTRY_DISPATCHER_URL (http://localhost:8083), TENANTRY_TOKEN (bearer token); "
                    + "without a URL variable, those of a running local stack named by TENANTRY_STACK_FILE (its stack.json; "
                    + "bin/tenantctl sets it when the checkout's ./tenantry up runs).",
            "Exit codes: 0 ok, 1 problems found, 2 usage error."
        },
        subcommands = {
            TenantsCommand.class,
            MigrationsCommand.class,
            RolloutsCommand.class,
            DlqCommand.class,
            WebhooksCommand.class,
            HealthCommand.class,
            TokenCommand.class,
            CommandLine.HelpCommand.class
        })
public class Tenantctl implements Runnable, GlobalOptions {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--provisioning-url",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = "Provisioning service (env TENANTRY_PROVISIONING_URL)")
    String provisioningUrl;

    @Option(
            names = "--worker-url",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = "Migration worker (env TENANTRY_WORKER_URL)")
    String workerUrl;

    @Option(
            names = "--dispatcher-url",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = "Webhook dispatcher (env TENANTRY_DISPATCHER_URL)")
    String dispatcherUrl;

    @Option(
            names = "--token",
            scope = ScopeType.INHERIT,
            paramLabel = "JWT",
            description = "Bearer token (env TENANTRY_TOKEN); `tenantctl token` makes a development one")
    String token;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON for scripts instead of tables")
    boolean json;

    @Option(
            names = "--http-timeout",
            scope = ScopeType.INHERIT,
            paramLabel = "DURATION",
            defaultValue = "30s",
            description = "Timeout of each HTTP request (default ${DEFAULT-VALUE})")
    Duration httpTimeout;

    private final Map<String, String> environment;
    private Map<Service, String> stackUrls;

    public Tenantctl(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The URL of a service: flag, else environment variable, else what a running local stack wrote
     * ({@code TENANTRY_STACK_FILE}), else the local default.
     */
    @Override
    public String url(Service service) {
        String flag = switch (service) {
            case PROVISIONING -> provisioningUrl;
            case WORKER -> workerUrl;
            case DISPATCHER -> dispatcherUrl;
        };
        if (flag != null && !flag.isBlank()) {
            return flag.strip();
        }
        String variable = environment.get(service.urlVariable());
        if (variable != null && !variable.isBlank()) {
            return variable.strip();
        }
        return stackUrls().getOrDefault(service, service.defaultUrl());
    }

    private Map<Service, String> stackUrls() {
        if (stackUrls == null) {
            stackUrls = StackFile.urls(environment.get(StackFile.VARIABLE));
        }
        return stackUrls;
    }

    @Override
    public String token() {
        return token != null ? token : environment.get("TENANTRY_TOKEN");
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public Duration httpTimeout() {
        return httpTimeout;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(args, System.getenv(), out, err));
    }

    /** Runs one command line and returns its exit code. */
    public static int execute(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Tenantctl(environment));
        cli.setOut(out).setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.registerConverter(Service.class, Service::parse);
        cli.registerConverter(Duration.class, Times::duration);
        cli.registerConverter(Instant.class, value -> Times.since(value, Instant.now()));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter errors = commandLine.getErr();
            if (e instanceof ApiException api) {
                errors.println("Error: " + api.getMessage());
                errors.flush();
                return api.isUsageError() ? Cli.USAGE : Cli.PROBLEMS;
            }
            if (e instanceof UnreachableException) {
                errors.println("Error: " + e.getMessage());
                errors.flush();
                return Cli.PROBLEMS;
            }
            errors.println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            errors.flush();
            return Cli.PROBLEMS;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Tenantctl.class.getPackage().getImplementationVersion();
            return new String[] {"tenantctl " + (version == null ? "development build" : version)};
        }
    }
}
