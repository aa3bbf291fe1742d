package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.client.UnreachableException;
import dev.tenantry.tenantctl.output.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Liveness and readiness of every service (SmallRye Health at /q/health); exit 1 unless all are UP.
 * Notes show what UP checks report that needs attention (fleet drift), without changing the exit code.
 */
@Command(name = "health", description = "Health of every service; exit 1 when any is down or unreachable")
public class HealthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--service", paramLabel = "SERVICE", description = "Only these services (repeatable)")
    List<Service> only;

    @Override
    public Integer call() {
        Cli cli = Cli.of(spec);
        List<Service> services = only == null || only.isEmpty() ? List.of(Service.values()) : only;
        ArrayNode results = cli.mapper().createArrayNode();
        boolean allUp = true;
        for (Service service : services) {
            ObjectNode result = check(cli, service);
            allUp &= "UP".equals(result.path("status").asText());
            results.add(result);
        }
        if (cli.json()) {
            ObjectNode all = cli.mapper().createObjectNode().put("status", allUp ? "UP" : "DOWN");
            all.set("services", results);
            cli.printJson(all);
        } else {
            Table table = Table.of("SERVICE", "STATUS", "URL", "NOT UP", "NOTES");
            results.forEach(r -> table.row(r.get("service"), r.get("status"), r.get("url"), notUp(r), notes(r)));
            table.print(cli.out());
        }
        return allUp ? Cli.OK : Cli.PROBLEMS;
    }

    private static ObjectNode check(Cli cli, Service service) {
        ObjectNode result = cli.mapper()
                .createObjectNode()
                .put("service", service.shortName())
                .put("url", cli.url(service));
        ApiClient client = cli.client(service);
        try {
            ApiClient.Response response = client.send("GET", "/q/health", null, Map.of());
            JsonNode body = response.body();
            if (body != null && body.isObject() && body.has("status")) {
                result.put("status", body.get("status").asText());
                result.set("checks", body.path("checks"));
            } else {
                result.put("status", "DOWN");
                result.put("error", "HTTP " + response.status() + " without a health document");
            }
        } catch (UnreachableException e) {
            result.put("status", "UNREACHABLE");
            result.put(
                    "error",
                    e.getCause() == null ? e.getMessage() : e.getCause().toString());
        }
        return result;
    }

    /**
     * What an UP check reports that an operator should still see: the worker's fleet-drift check is
     * UP with tenants behind (drift does not make the worker unready), so it is shown here.
     */
    private static String notes(JsonNode result) {
        List<String> notes = new ArrayList<>();
        result.path("checks").forEach(c -> {
            JsonNode data = c.path("data");
            if ("fleet-drift".equals(c.path("name").asText())
                    && data.path("drift").asBoolean(false)) {
                notes.add(String.format(
                        "fleet drift: %d behind, %d ahead, %d failed, %d without schema of %d "
                                + "(tenantctl migrations verify)",
                        data.path("behind").asInt(),
                        data.path("ahead").asInt(),
                        data.path("failed").asInt(),
                        data.path("missingSchema").asInt(),
                        data.path("tenants").asInt()));
            }
        });
        return notes.isEmpty() ? "-" : String.join("; ", notes);
    }

    private static String notUp(JsonNode result) {
        if (result.has("error")) {
            return result.get("error").asText();
        }
        List<String> down = new ArrayList<>();
        result.path("checks").forEach(c -> {
            if (!"UP".equals(c.path("status").asText())) {
                down.add(c.path("name").asText() + (c.path("data").isObject() ? " " + c.get("data") : ""));
            }
        });
        return down.isEmpty() ? "-" : String.join("; ", down);
    }
}
