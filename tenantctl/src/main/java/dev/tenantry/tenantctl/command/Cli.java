package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.Service;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What every command needs: where the services are, the token, output streams and JSON. */
public final class Cli {

    /** Exit status: the command did what was asked and found nothing wrong. */
    public static final int OK = 0;
    /** Exit status: the command ran but found or met problems (drift, failures, unreachable services). */
    public static final int PROBLEMS = 1;
    /** Exit status: the command line or the request was wrong. */
    public static final int USAGE = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final CommandSpec spec;
    private final GlobalOptions root;

    private Cli(CommandSpec spec) {
        this.spec = spec;
        this.root = (GlobalOptions) spec.root().userObject();
    }

    public static Cli of(CommandSpec spec) {
        return new Cli(spec);
    }

    public ApiClient client(Service service) {
        return new ApiClient(service, url(service), root.token(), root.httpTimeout(), HTTP, MAPPER);
    }

    public String url(Service service) {
        return root.url(service);
    }

    public Map<String, String> environment() {
        return root.environment();
    }

    public boolean json() {
        return root.json();
    }

    public PrintWriter out() {
        return spec.commandLine().getOut();
    }

    public PrintWriter err() {
        return spec.commandLine().getErr();
    }

    public ObjectMapper mapper() {
        return MAPPER;
    }

    public void printJson(Object value) {
        try {
            out().println(MAPPER.writeValueAsString(value));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON: " + e.getMessage(), e);
        }
    }

    /** A usage error (exit code 2) with the command's usage help. */
    public CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
