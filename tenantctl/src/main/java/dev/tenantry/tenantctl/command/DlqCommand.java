package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.client.Query;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.client.UnreachableException;
import dev.tenantry.tenantctl.output.Table;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Dead letters of each service's consumers: list, show, replay to the failed consumer group only. */
@Command(
        name = "dlq",
        description = "Dead-lettered events: list, show, replay",
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
public class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Cli.of(spec).usage("Missing subcommand: list, show or replay");
    }

    @Command(name = "list", description = "Dead letters, newest first (every service unless --service)")
    static class ListDeadLetters implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--service", paramLabel = "SERVICE", description = "provisioning, worker or dispatcher")
        Service service;

        @Option(names = "--group", description = "Only this consumer group")
        String group;

        @Option(names = "--tenant", description = "Only records keyed by this tenant id")
        String tenant;

        @Option(names = "--event-type", description = "Only this CloudEvents type")
        String eventType;

        @Option(
                names = "--since",
                paramLabel = "TIME",
                description = "Dead-lettered at or after: 2026-01-31T12:00:00Z or an age (30m, 2h, 7d)")
        Instant since;

        @Option(names = "--limit", defaultValue = "100")
        int limit;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            List<Service> services = service == null ? List.of(Service.values()) : List.of(service);
            ArrayNode all = cli.mapper().createArrayNode();
            int unreachable = 0;
            for (Service s : services) {
                String path = Query.path("/admin/dead-letters")
                        .param("consumerGroup", group)
                        .param("tenant", tenant)
                        .param("eventType", eventType)
                        .param("since", since)
                        .param("limit", limit)
                        .toString();
                try {
                    JsonNode page = cli.client(s).get(path);
                    for (JsonNode letter : page.path("items")) {
                        ObjectNode withService = cli.mapper().createObjectNode().put("service", s.shortName());
                        withService.setAll((ObjectNode) letter);
                        all.add(withService);
                    }
                    if (page.path("partial").asBoolean()) {
                        cli.err()
                                .println("Warning: " + s.shortName() + " stopped reading at its scan limit; older "
                                        + "dead letters may match (narrow with --since, --tenant or --event-type)");
                    } else if (page.hasNonNull("nextCursor")) {
                        cli.err().println("Note: " + s.shortName() + " has older dead letters beyond --limit " + limit);
                    }
                } catch (UnreachableException e) {
                    if (service != null) {
                        throw e;
                    }
                    unreachable++;
                    cli.err().println("Warning: " + e.getMessage());
                }
            }
            if (cli.json()) {
                cli.printJson(all);
            } else if (all.isEmpty()) {
                cli.out()
                        .println("No dead letters"
                                + (services.size() > 1 ? " in any service" : " in " + service.moduleName()));
            } else {
                Table table = Table.of("SERVICE", "ID", "EVENT TYPE", "TENANT", "REPLAYS", "DEAD-LETTERED", "REASON");
                all.forEach(d -> table.row(
                        d.get("service"),
                        d.get("id"),
                        d.get("eventType"),
                        d.get("tenant"),
                        d.get("replayCount"),
                        d.get("deadLetteredAt"),
                        d.get("reason")));
                table.print(cli.out());
            }
            return unreachable > 0 ? Cli.PROBLEMS : Cli.OK;
        }
    }

    @Command(name = "show", description = "One dead letter with every reason header")
    static class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--service",
                required = true,
                paramLabel = "SERVICE",
                description = "provisioning, worker or dispatcher")
        Service service;

        @Parameters(paramLabel = "ID", description = "<dlq topic>/<partition>/<offset>, as dlq list shows it")
        String id;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            String[] parts = id.split("/");
            if (parts.length != 3) {
                throw cli.usage("A dead letter id is <dlq topic>/<partition>/<offset>, e.g. "
                        + "tenant-migration-requests.migration-worker.dlq/0/12");
            }
            JsonNode letter = cli.client(service)
                    .get("/admin/dead-letters/" + Query.segment(parts[0]) + "/" + Query.segment(parts[1]) + "/"
                            + Query.segment(parts[2]));
            if (cli.json()) {
                cli.printJson(letter);
            } else {
                Table table = Table.of("FIELD", "VALUE");
                letter.properties().forEach(f -> table.row(f.getKey(), f.getValue()));
                table.print(cli.out());
            }
            return Cli.OK;
        }
    }

    @Command(
            name = "replay",
            description = "Send dead letters back to their original topic, for the failed consumer "
                    + "group only; exit 1 when any was refused (replay cap)")
    static class Replay implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--service",
                required = true,
                paramLabel = "SERVICE",
                description = "provisioning, worker or dispatcher")
        Service service;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Selector selector;

        @Option(names = "--group", description = "Only dead letters of this consumer group")
        String group;

        @Option(names = "--dry-run", description = "Show what would be replayed; send nothing")
        boolean dryRun;

        @Option(names = "--max", description = "Replay at most N (service default 100)")
        Integer max;

        static class Selector {
            @Option(names = "--event-id", required = true, description = "The dead letter of this event")
            String eventId;

            @Option(names = "--tenant", required = true, description = "Every dead letter of this tenant")
            String tenant;

            @Option(
                    names = "--since",
                    required = true,
                    paramLabel = "TIME",
                    description = "Dead-lettered since (time or age)")
            Instant since;

            @Option(names = "--all", required = true, description = "Every dead letter")
            boolean all;
        }

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            if (group != null) {
                body.put("consumerGroup", group);
            }
            if (selector.eventId != null) {
                body.put("eventId", selector.eventId);
            } else if (selector.tenant != null) {
                body.put("tenant", selector.tenant);
            } else if (selector.since != null) {
                body.put("since", selector.since.toString());
            } else {
                body.put("all", true);
            }
            body.put("dryRun", dryRun);
            if (max != null) {
                body.put("max", max);
            }
            JsonNode result = cli.client(service).post("/admin/dead-letters/replay", body);
            int refused = result.path("refused").size();
            if (cli.json()) {
                cli.printJson(result);
            } else {
                print(cli.out(), result);
            }
            return refused > 0 ? Cli.PROBLEMS : Cli.OK;
        }

        private static void print(PrintWriter out, JsonNode result) {
            boolean dry = result.path("dryRun").asBoolean();
            JsonNode replayed = result.path("replayed");
            out.printf("%s %d dead letter(s)%n", dry ? "Would replay" : "Replayed", replayed.size());
            if (!replayed.isEmpty()) {
                Table table = Table.of("ID", "EVENT ID", "EVENT TYPE", "TO TOPIC", "FOR GROUP", "REPLAY #");
                replayed.forEach(d -> table.row(
                        d.get("id"),
                        d.get("eventId"),
                        d.get("eventType"),
                        d.get("originalTopic"),
                        d.get("consumerGroup"),
                        d.path("replayCount").asInt() + 1));
                table.print(out);
            }
            JsonNode refused = result.path("refused");
            if (!refused.isEmpty()) {
                out.printf("Refused %d:%n", refused.size());
                Table table = Table.of("ID", "EVENT ID", "REASON");
                refused.forEach(r -> table.row(
                        r.path("deadLetter").get("id"), r.path("deadLetter").get("eventId"), r.get("reason")));
                table.print(out);
            }
        }
    }
}
