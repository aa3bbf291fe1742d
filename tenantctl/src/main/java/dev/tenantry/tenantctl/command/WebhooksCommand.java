package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.Query;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.output.Table;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Webhook endpoints and deliveries through the webhook dispatcher's REST API. */
@Command(
        name = "webhooks",
        description = "Webhook endpoints and deliveries: list, redeliver, recover",
        subcommands = {
            WebhooksCommand.Endpoints.class,
            WebhooksCommand.Deliveries.class,
            WebhooksCommand.Attempts.class,
            WebhooksCommand.Redeliver.class,
            WebhooksCommand.Recover.class,
            WebhooksCommand.Enable.class,
            WebhooksCommand.Ping.class
        })
public class WebhooksCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Cli.of(spec)
                .usage("Missing subcommand: endpoints, deliveries, attempts, redeliver, recover, enable or ping");
    }

    @Command(name = "endpoints", description = "Registered endpoints; disabled ones with the reason")
    static class Endpoints implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", description = "Only endpoints receiving this tenant's events")
        String tenant;

        @Option(names = "--limit", defaultValue = "100", description = "Page size (1-500)")
        int limit;

        @Option(names = "--cursor", description = "Continue from a previous page's nextCursor")
        String cursor;

        @Option(names = "--all", description = "Follow the cursor through every page")
        boolean all;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            Pages pages = Pages.read(
                    cli,
                    cursor,
                    all,
                    next -> Query.path("/webhook-endpoints")
                            .param("tenant", tenant)
                            .param("limit", limit)
                            .param("cursor", next)
                            .toString());
            JsonNode endpoints = pages.items();
            if (cli.json()) {
                cli.printJson(pages.json(cli));
                return Cli.OK;
            }
            Table table = Table.of("ID", "URL", "ENABLED", "EVENT TYPES", "FAILING SINCE", "DISABLED REASON");
            endpoints.forEach(e -> table.row(
                    e.get("id"),
                    e.get("url"),
                    e.path("enabled").asBoolean() ? "yes" : "NO",
                    e.path("eventTypes").isEmpty() ? "all" : e.get("eventTypes"),
                    e.get("failingSince"),
                    e.get("disabledReason")));
            if (table.isEmpty()) {
                cli.out().println("No webhook endpoints");
            } else {
                table.print(cli.out());
            }
            pages.printMore(cli, "tenantctl webhooks endpoints");
            return Cli.OK;
        }
    }

    @Command(name = "deliveries", description = "Deliveries, newest first")
    static class Deliveries implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--failed", description = "Only failed deliveries (same as --status failed)")
        boolean failed;

        @Option(names = "--status", description = "pending, delivering, delivered or failed")
        String status;

        @Option(names = "--endpoint", description = "Endpoint id")
        String endpoint;

        @Option(names = "--tenant", description = "Tenant id")
        String tenant;

        @Option(names = "--since", paramLabel = "TIME", description = "Created at or after (time or age such as 2h)")
        Instant since;

        @Option(names = "--limit", defaultValue = "50", description = "Page size (1-500)")
        int limit;

        @Option(names = "--cursor", description = "Continue from a previous page's nextCursor")
        String cursor;

        @Option(names = "--all", description = "Follow the cursor through every page")
        boolean all;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            if (failed && status != null && !status.equalsIgnoreCase("failed")) {
                throw cli.usage("--failed and --status " + status + " contradict each other");
            }
            Pages pages = Pages.read(
                    cli,
                    cursor,
                    all,
                    next -> Query.path("/webhook-deliveries")
                            .param("status", failed ? "failed" : status)
                            .param("endpoint", endpoint)
                            .param("tenant", tenant)
                            .param("since", since)
                            .param("limit", limit)
                            .param("cursor", next)
                            .toString());
            JsonNode deliveries = pages.items();
            if (cli.json()) {
                cli.printJson(pages.json(cli));
                return Cli.OK;
            }
            Table table = Table.of("ID", "EVENT TYPE", "TENANT", "STATUS", "ATTEMPTS", "LAST", "CREATED", "ERROR");
            deliveries.forEach(d -> table.row(
                    d.get("id"),
                    d.get("eventType"),
                    d.get("tenantId"),
                    d.get("status"),
                    d.get("attemptCount"),
                    d.get("lastResponseStatus"),
                    d.get("createdAt"),
                    d.get("lastError")));
            if (table.isEmpty()) {
                cli.out().println("No deliveries");
            } else {
                table.print(cli.out());
            }
            pages.printMore(cli, "tenantctl webhooks deliveries");
            return Cli.OK;
        }
    }

    @Command(name = "attempts", description = "Every attempt of one delivery, oldest first")
    static class Attempts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DELIVERY_ID")
        String delivery;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode attempts =
                    cli.client(Service.DISPATCHER).get("/webhook-deliveries/" + Query.segment(delivery) + "/attempts");
            if (cli.json()) {
                cli.printJson(attempts);
                return Cli.OK;
            }
            Table table = Table.of("#", "AT", "STATUS", "MS", "ERROR", "RESPONSE");
            attempts.forEach(a -> table.row(
                    a.get("attemptNumber"),
                    a.get("attemptedAt"),
                    a.get("responseStatus"),
                    a.get("durationMs"),
                    a.get("error"),
                    a.get("responseBody")));
            table.print(cli.out());
            return Cli.OK;
        }
    }

    @Command(name = "redeliver", description = "Send one delivery again now, with a fresh retry schedule")
    static class Redeliver implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DELIVERY_ID")
        String delivery;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode queued = cli.client(Service.DISPATCHER)
                    .post("/webhook-deliveries/" + Query.segment(delivery) + "/redeliver", null);
            if (cli.json()) {
                cli.printJson(queued);
            } else {
                cli.out()
                        .printf(
                                "Delivery %s queued again (status %s)%n",
                                delivery,
                                queued == null ? "?" : queued.path("status").asText("?"));
            }
            return Cli.OK;
        }
    }

    @Command(name = "recover", description = "Queue again every failed delivery of an endpoint created since a time")
    static class Recover implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--endpoint", required = true, description = "Endpoint id (enable it first if it is disabled)")
        String endpoint;

        @Option(names = "--since", required = true, paramLabel = "TIME", description = "Time or age such as 2d")
        Instant since;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode recovery = cli.client(Service.DISPATCHER)
                    .post(
                            Query.path("/webhook-endpoints/" + Query.segment(endpoint) + "/recover")
                                    .param("since", since)
                                    .toString(),
                            null);
            if (cli.json()) {
                cli.printJson(recovery);
            } else {
                cli.out()
                        .printf(
                                "Queued %d failed deliver%s of endpoint %s again (failed since %s)%n",
                                recovery.path("requeued").asInt(),
                                recovery.path("requeued").asInt() == 1 ? "y" : "ies",
                                endpoint,
                                since);
            }
            return Cli.OK;
        }
    }

    @Command(name = "enable", description = "Enable a disabled endpoint again (its URL and filters stay as they are)")
    static class Enable implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ENDPOINT_ID")
        String endpoint;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            var dispatcher = cli.client(Service.DISPATCHER);
            String path = "/webhook-endpoints/" + Query.segment(endpoint);
            JsonNode current = dispatcher.get(path);
            // PUT replaces URL, description and filters: send them back unchanged.
            java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("url", current.path("url").asText());
            if (current.hasNonNull("description")) {
                body.put("description", current.get("description").asText());
            }
            body.put(
                    "eventTypes",
                    current.path("eventTypes").isArray() ? current.get("eventTypes") : java.util.List.of());
            body.put("tenantIds", current.path("tenantIds").isArray() ? current.get("tenantIds") : java.util.List.of());
            body.put("enabled", true);
            ApiClientSupport.put(dispatcher, path, body);
            JsonNode updated = dispatcher.get(path);
            if (cli.json()) {
                cli.printJson(updated);
            } else {
                cli.out()
                        .printf(
                                "Endpoint %s enabled (%s). Queue its failed deliveries again with: tenantctl webhooks "
                                        + "recover --endpoint %s --since <time>%n",
                                endpoint, updated.path("url").asText(), endpoint);
            }
            return updated.path("enabled").asBoolean() ? Cli.OK : Cli.PROBLEMS;
        }
    }

    @Command(name = "ping", description = "Send a signed test event to an endpoint now; exit 1 unless it was delivered")
    static class Ping implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ENDPOINT_ID")
        String endpoint;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode result = cli.client(Service.DISPATCHER)
                    .post("/webhook-endpoints/" + Query.segment(endpoint) + "/ping", null);
            if (cli.json()) {
                cli.printJson(result);
            } else {
                cli.out()
                        .printf(
                                "Ping %s: %s (HTTP %s, %d ms)%s%n",
                                endpoint,
                                result.path("delivered").asBoolean() ? "delivered" : "NOT delivered",
                                result.path("responseStatus").asText("-"),
                                result.path("durationMs").asLong(),
                                result.hasNonNull("error")
                                        ? " - " + result.get("error").asText()
                                        : "");
            }
            return result.path("delivered").asBoolean() ? Cli.OK : Cli.PROBLEMS;
        }
    }

    /** The items of one page, or of every page with --all, and the cursor to continue from. */
    record Pages(ArrayNode items, String next) {

        static Pages read(Cli cli, String cursor, boolean all, Function<String, String> pathOfPage) {
            ApiClient dispatcher = cli.client(Service.DISPATCHER);
            ArrayNode items = cli.mapper().createArrayNode();
            String next = cursor;
            do {
                JsonNode page = dispatcher.get(pathOfPage.apply(next));
                page.path("items").forEach(items::add);
                next = page.path("nextCursor").isTextual()
                        ? page.get("nextCursor").asText()
                        : null;
            } while (all && next != null);
            return new Pages(items, next);
        }

        ObjectNode json(Cli cli) {
            ObjectNode result = cli.mapper().createObjectNode();
            result.set("items", items);
            result.put("nextCursor", next);
            return result;
        }

        void printMore(Cli cli, String command) {
            if (next != null) {
                cli.out().println("More: " + command + " --cursor " + next + " (or --all)");
            }
        }
    }
}
