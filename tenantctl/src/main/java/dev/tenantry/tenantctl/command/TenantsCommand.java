package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.Query;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.output.Table;
import dev.tenantry.tenantctl.output.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Tenants through the provisioning service's REST API. */
@Command(
        name = "tenants",
        description = "List, inspect, create, upgrade and delete tenants",
        subcommands = {
            TenantsCommand.ListTenants.class,
            TenantsCommand.GetTenant.class,
            TenantsCommand.CreateTenant.class,
            TenantsCommand.UpgradeTenant.class,
            TenantsCommand.DeleteTenant.class,
            TenantsCommand.Timeline.class
        })
public class TenantsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Cli.of(spec).usage("Missing subcommand: list, get, create, upgrade, delete or timeline");
    }

    @Command(name = "list", description = "Tenants, oldest first")
    static class ListTenants implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--status", description = "Only tenants in this status (ACTIVE, PROVISIONING, ...)")
        String status;

        @Option(names = "--limit", description = "Page size (default: the service's)")
        Integer limit;

        @Option(names = "--cursor", description = "Continue from a previous page's nextCursor")
        String cursor;

        @Option(names = "--all", description = "Follow the cursor through every page")
        boolean all;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            ApiClient provisioning = cli.client(Service.PROVISIONING);
            ArrayNode items = cli.mapper().createArrayNode();
            String next = cursor;
            do {
                JsonNode page = provisioning.get(Query.path("/tenants")
                        .param("status", status)
                        .param("limit", limit)
                        .param("cursor", next)
                        .toString());
                page.path("items").forEach(items::add);
                next = page.path("nextCursor").isTextual()
                        ? page.get("nextCursor").asText()
                        : null;
            } while (all && next != null);
            if (cli.json()) {
                ObjectNode result = cli.mapper().createObjectNode();
                result.set("items", items);
                result.put("nextCursor", next);
                cli.printJson(result);
                return Cli.OK;
            }
            Table table = Table.of("ID", "SLUG", "STATUS", "VERSION", "UPDATED", "FAILURE");
            items.forEach(t -> table.row(
                    t.get("id"),
                    t.get("slug"),
                    t.get("status"),
                    version(t),
                    t.get("updatedAt"),
                    t.get("failureReason")));
            if (table.isEmpty()) {
                cli.out().println("No tenants" + (status == null ? "" : " in status " + status));
            } else {
                table.print(cli.out());
            }
            if (next != null) {
                cli.out().println("More: tenantctl tenants list --cursor " + next + " (or --all)");
            }
            return Cli.OK;
        }
    }

    @Command(name = "get", description = "One tenant, by id or slug")
    static class GetTenant implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID_OR_SLUG")
        String tenant;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode t = cli.client(Service.PROVISIONING).get("/tenants/" + Query.segment(tenant));
            if (cli.json()) {
                cli.printJson(t);
            } else {
                printTenant(cli.out(), t);
            }
            return Cli.OK;
        }
    }

    @Command(name = "create", description = "Request a new tenant; --wait follows it until ACTIVE or rolled back")
    static class CreateTenant implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "SLUG", description = "Lowercase letters, digits, _; becomes schema tenant_<slug>")
        String slug;

        @Option(names = "--display-name", description = "Human name (default: the slug)")
        String displayName;

        @Option(names = "--plan")
        String plan;

        @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Repeatable")
        Map<String, String> metadata;

        @Option(names = "--idempotency-key", description = "Makes a retried create safe")
        String idempotencyKey;

        @Option(
                names = "--wait",
                description = "Wait until the tenant is ACTIVE (exit 0) or, after a failure, "
                        + "its compensation ended ROLLED_BACK (exit 1)")
        boolean await;

        @Option(
                names = "--wait-timeout",
                defaultValue = "2m",
                description = "How long --wait waits (default ${DEFAULT-VALUE})")
        Duration waitTimeout;

        @Override
        public Integer call() throws InterruptedException {
            Cli cli = Cli.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("slug", slug);
            body.put("displayName", displayName == null ? slug : displayName);
            if (plan != null) {
                body.put("plan", plan);
            }
            if (metadata != null) {
                body.put("metadata", metadata);
            }
            ApiClient provisioning = cli.client(Service.PROVISIONING);
            JsonNode accepted = provisioning.post(
                    "/tenants", body, idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
            // FAILED and COMPENSATING are on the way to ROLLED_BACK: the half-made schema is still
            // being dropped, so the slug is not free yet. Only a final state ends the wait.
            return follow(
                    cli,
                    provisioning,
                    accepted,
                    "create",
                    await,
                    waitTimeout,
                    Set.of("ACTIVE"),
                    Set.of("ROLLED_BACK", "DELETED"));
        }
    }

    @Command(name = "upgrade", description = "Upgrade a tenant to the latest (or a given) migration version")
    static class UpgradeTenant implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID_OR_SLUG")
        String tenant;

        @Option(names = "--target-version", description = "Default: the latest")
        String targetVersion;

        @Option(names = "--idempotency-key")
        String idempotencyKey;

        @Option(names = "--wait", description = "Wait until the upgrade succeeded (exit 0) or failed (exit 1)")
        boolean await;

        @Option(names = "--wait-timeout", defaultValue = "2m")
        Duration waitTimeout;

        @Override
        public Integer call() throws InterruptedException {
            Cli cli = Cli.of(spec);
            ApiClient provisioning = cli.client(Service.PROVISIONING);
            Map<String, Object> body = new LinkedHashMap<>();
            if (targetVersion != null) {
                body.put("targetVersion", targetVersion);
            }
            JsonNode accepted = provisioning.post(
                    "/tenants/" + Query.segment(tenant) + "/upgrade",
                    body,
                    idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
            return follow(
                    cli,
                    provisioning,
                    accepted,
                    "upgrade",
                    await,
                    waitTimeout,
                    Set.of("ACTIVE"),
                    Set.of("UPGRADE_FAILED"));
        }
    }

    @Command(
            name = "delete",
            description = "Delete a tenant: its schema is renamed aside and kept for the retention period")
    static class DeleteTenant implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID_OR_SLUG")
        String tenant;

        @Option(names = "--idempotency-key")
        String idempotencyKey;

        @Option(names = "--wait", description = "Wait until the tenant is DELETED")
        boolean await;

        @Option(names = "--wait-timeout", defaultValue = "2m")
        Duration waitTimeout;

        @Override
        public Integer call() throws InterruptedException {
            Cli cli = Cli.of(spec);
            ApiClient provisioning = cli.client(Service.PROVISIONING);
            JsonNode accepted = provisioning.delete(
                    "/tenants/" + Query.segment(tenant),
                    idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
            return follow(cli, provisioning, accepted, "delete", await, waitTimeout, Set.of("DELETED"), Set.of());
        }
    }

    @Command(name = "timeline", description = "Everything that happened to a tenant, in order")
    static class Timeline implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID_OR_SLUG")
        String tenant;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode timeline = cli.client(Service.PROVISIONING).get("/tenants/" + Query.segment(tenant) + "/timeline");
            if (cli.json()) {
                cli.printJson(timeline);
                return Cli.OK;
            }
            cli.out().println("Tenant " + timeline.path("tenantId").asText());
            Table table = Table.of("#", "AT", "KIND", "STATUS", "EVENT", "DETAIL");
            timeline.path("entries")
                    .forEach(e -> table.row(
                            e.get("seq"),
                            e.get("occurredAt"),
                            e.get("kind"),
                            transition(e),
                            e.get("eventType"),
                            e.get("detail")));
            table.print(cli.out());
            return Cli.OK;
        }

        private static String transition(JsonNode e) {
            String from = e.path("fromStatus").asText("");
            String to = e.path("toStatus").asText("");
            if (from.isEmpty() && to.isEmpty()) {
                return "-";
            }
            return (from.isEmpty() ? "" : from + " -> ") + to;
        }
    }

    /** Prints the accepted request; with --wait, polls the tenant until it reaches an end state. */
    static int follow(
            Cli cli,
            ApiClient provisioning,
            JsonNode accepted,
            String action,
            boolean await,
            Duration timeout,
            Set<String> success,
            Set<String> failure)
            throws InterruptedException {
        String id = accepted.path("id").asText();
        if (!await) {
            if (cli.json()) {
                cli.printJson(accepted);
            } else {
                cli.out()
                        .printf(
                                "Accepted %s of tenant %s (id %s): status %s%n",
                                action,
                                accepted.path("slug").asText(),
                                id,
                                accepted.path("status").asText());
                cli.out().printf("Follow it: tenantctl tenants get %s   or   tenantctl tenants timeline %s%n", id, id);
            }
            return Cli.OK;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = accepted.path("status").asText();
        if (!cli.json()) {
            cli.err().printf("%s %s: %s", action, accepted.path("slug").asText(), last);
            cli.err().flush();
        }
        JsonNode tenant = accepted;
        // The 202 answer already names the new status; only the service's later states decide.
        while (System.nanoTime() < deadline) {
            tenant = provisioning.get("/tenants/" + Query.segment(id));
            String status = tenant.path("status").asText();
            if (!status.equals(last) && !cli.json()) {
                cli.err().print(" -> " + status);
                cli.err().flush();
            }
            last = status;
            if (success.contains(status) || failure.contains(status)) {
                break;
            }
            Thread.sleep(250);
        }
        if (!cli.json()) {
            cli.err().println();
        }
        boolean succeeded = success.contains(last);
        if (cli.json()) {
            cli.printJson(tenant);
        } else {
            printTenant(cli.out(), tenant);
            if (!succeeded) {
                cli.out()
                        .println(
                                failure.contains(last)
                                        ? "The " + action + " failed: see tenantctl tenants timeline " + id
                                        : "Still " + last + " after " + Times.human(timeout)
                                                + ": see tenantctl tenants timeline " + id);
            }
        }
        return succeeded ? Cli.OK : Cli.PROBLEMS;
    }

    static void printTenant(PrintWriter out, JsonNode t) {
        Table table = Table.of("FIELD", "VALUE");
        for (String field : new String[] {
            "id",
            "slug",
            "displayName",
            "status",
            "schema",
            "currentVersion",
            "targetVersion",
            "plan",
            "failureReason",
            "createdAt",
            "updatedAt",
            "statusChangedAt"
        }) {
            if (t.hasNonNull(field)) {
                table.row(field, t.get(field));
            }
        }
        if (t.path("metadata").isObject() && !t.get("metadata").isEmpty()) {
            table.row("metadata", t.get("metadata"));
        }
        table.print(out);
    }

    private static String version(JsonNode t) {
        String current = t.path("currentVersion").asText("");
        String target = t.path("targetVersion").asText("");
        if (current.isEmpty() && target.isEmpty()) {
            return "-";
        }
        if (target.isEmpty() || target.equals(current)) {
            return current;
        }
        return (current.isEmpty() ? "none" : current) + " -> " + target;
    }
}
