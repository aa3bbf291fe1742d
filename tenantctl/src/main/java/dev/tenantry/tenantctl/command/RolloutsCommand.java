package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.Query;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.output.ProgressBar;
import dev.tenantry.tenantctl.output.Table;
import dev.tenantry.tenantctl.output.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Staged fleet rollouts through the migration worker: plan, start, follow and steer them. */
@Command(
        name = "rollouts",
        description = "Bring a release to the fleet in stages: canary first, waves after, halt on failures",
        subcommands = {
            RolloutsCommand.Create.class,
            RolloutsCommand.ListRollouts.class,
            RolloutsCommand.Show.class,
            RolloutsCommand.Pause.class,
            RolloutsCommand.Resume.class,
            RolloutsCommand.Abort.class,
            RolloutsCommand.RetryFailed.class
        })
public class RolloutsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Cli.of(spec).usage("Missing subcommand: create, list, show, pause, resume, abort or retry-failed");
    }

    @Command(
            name = "create",
            description = "Start a rollout (or print its plan with --dry-run); without --stage: a canary of 1 %"
                    + " that may not fail, then the rest with a 2 % failure budget")
    static class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--target-version", description = "Version to reach (default: the latest)")
        String targetVersion;

        @Option(names = "--tenant", description = "Only this tenant (id, slug or schema); repeatable")
        List<String> tenants;

        @Option(names = "--slug-pattern", description = "Only tenants whose slug matches (* and ? wildcards)")
        String slugPattern;

        @Option(names = "--plan", description = "Only tenants on this plan (from the tenant registry); repeatable")
        List<String> plans;

        @Option(
                names = "--metadata",
                paramLabel = "KEY=VALUE",
                description = "Only tenants whose registry metadata has this entry; repeatable, all must match")
        Map<String, String> metadata;

        @Option(
                names = "--stage",
                paramLabel = "NAME[:KEY=VALUE,...]",
                description =
                        "A stage, repeatable, in order. Keys: size, percent, tenants (a+b+c), parallelism,"
                                + " max-failures, max-failed-percent, pause (e.g. 10m), and the flag gate."
                                + " E.g. --stage canary:size=5,gate --stage wave-1:percent=25 --stage rest:max-failed-percent=2")
        List<String> stages;

        @Option(names = "--dry-run", description = "Print the plan (stages, tenants, estimated time); start nothing")
        boolean dryRun;

        @Option(names = "--wait", description = "Follow the rollout with a progress bar per stage until it stops")
        boolean await;

        @Option(names = "--poll-interval", defaultValue = "1s")
        Duration pollInterval;

        @Override
        public Integer call() throws InterruptedException {
            Cli cli = Cli.of(spec);
            ObjectNode request = cli.mapper().createObjectNode();
            request.put("targetVersion", targetVersion);
            request.put("slugPattern", slugPattern);
            if (tenants != null) {
                ArrayNode named = request.putArray("tenants");
                tenants.forEach(named::add);
            }
            if (plans != null) {
                ArrayNode wanted = request.putArray("plans");
                plans.forEach(wanted::add);
            }
            if (metadata != null) {
                ObjectNode entries = request.putObject("metadata");
                metadata.forEach(entries::put);
            }
            if (stages != null) {
                ArrayNode specs = request.putArray("stages");
                for (String stage : stages) {
                    specs.add(parseStage(cli, stage));
                }
            }
            ApiClient worker = cli.client(Service.WORKER);
            if (dryRun) {
                JsonNode plan = worker.post("/admin/rollouts?dryRun=true", request);
                if (cli.json()) {
                    cli.printJson(plan);
                } else {
                    printPlan(cli.out(), plan);
                }
                return Cli.OK;
            }
            JsonNode rollout = worker.post("/admin/rollouts", request);
            if (!await) {
                if (cli.json()) {
                    cli.printJson(rollout);
                } else {
                    cli.out().printf("Rollout %s started%n", rollout.path("id").asText());
                    printRollout(cli.out(), rollout);
                }
                return Cli.OK;
            }
            return follow(cli, worker, rollout, pollInterval);
        }

        private static ObjectNode parseStage(Cli cli, String text) {
            ObjectNode stage = cli.mapper().createObjectNode();
            int colon = text.indexOf(':');
            stage.put("name", colon < 0 ? text : text.substring(0, colon));
            if (colon < 0) {
                return stage;
            }
            for (String setting : text.substring(colon + 1).split(",")) {
                String[] kv = setting.split("=", 2);
                String key = kv[0].strip();
                String value = kv.length == 2 ? kv[1].strip() : null;
                try {
                    switch (key) {
                        case "size" -> stage.put("size", Integer.parseInt(value));
                        case "percent" -> stage.put("percent", Double.parseDouble(value));
                        case "parallelism" -> stage.put("parallelism", Integer.parseInt(value));
                        case "max-failures" -> stage.put("maxFailures", Integer.parseInt(value));
                        case "max-failed-percent" -> stage.put("maxFailedPercent", Double.parseDouble(value));
                        case "pause" ->
                            stage.put("pauseAfterSeconds", Times.duration(value).toSeconds());
                        case "gate" -> stage.put("gate", true);
                        case "tenants" -> {
                            ArrayNode named = stage.putArray("tenants");
                            for (String tenant : value.split("\\+")) {
                                named.add(tenant);
                            }
                        }
                        default -> throw cli.usage("Unknown stage setting '" + key + "' in --stage " + text);
                    }
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw cli.usage("Stage setting '" + setting + "' in --stage " + text + " needs a valid value");
                }
            }
            return stage;
        }
    }

    @Command(name = "list", description = "The newest rollouts first")
    static class ListRollouts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--limit", defaultValue = "20")
        int limit;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode rollouts = cli.client(Service.WORKER)
                    .get(Query.path("/admin/rollouts").param("limit", limit).toString());
            if (cli.json()) {
                cli.printJson(rollouts);
                return Cli.OK;
            }
            Table table = Table.of("ID", "VERSION", "STATE", "STAGE", "DONE", "FAILED", "REMAINING", "CREATED");
            rollouts.forEach(r -> table.row(
                    r.path("id").asText(),
                    r.path("targetVersion").asText(),
                    r.path("state").asText(),
                    r.path("stages")
                            .path(r.path("currentStage").asInt())
                            .path("name")
                            .asText(),
                    r.path("tenants").path("done").asInt(),
                    r.path("tenants").path("failed").asInt(),
                    r.path("tenants").path("pending").asInt()
                            + r.path("tenants").path("running").asInt(),
                    r.path("createdAt").asText()));
            if (table.isEmpty()) {
                cli.out().println("No rollout yet");
            } else {
                table.print(cli.out());
            }
            return Cli.OK;
        }
    }

    @Command(name = "show", description = "One rollout's stages, failures, speed and ETA; --watch follows it live")
    static class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ROLLOUT_ID")
        String id;

        @Option(names = "--watch", description = "Follow it with a progress bar per stage until it stops running")
        boolean watch;

        @Option(names = "--poll-interval", defaultValue = "1s")
        Duration pollInterval;

        @Override
        public Integer call() throws InterruptedException {
            Cli cli = Cli.of(spec);
            ApiClient worker = cli.client(Service.WORKER);
            JsonNode rollout = worker.get("/admin/rollouts/" + Query.segment(id));
            if (watch) {
                return follow(cli, worker, rollout, pollInterval);
            }
            if (cli.json()) {
                cli.printJson(rollout);
            } else {
                printRollout(cli.out(), rollout);
            }
            return outcome(rollout);
        }
    }

    @Command(name = "pause", description = "Start no more tenants; those running finish")
    static class Pause extends Action {
        Pause() {
            super("pause");
        }
    }

    @Command(name = "resume", description = "Go on after a pause, a gate or a halt")
    static class Resume extends Action {
        Resume() {
            super("resume");
        }
    }

    @Command(name = "abort", description = "End the rollout: tenants running finish, no more start")
    static class Abort extends Action {
        Abort() {
            super("abort");
        }
    }

    @Command(name = "retry-failed", description = "Migrate the failed tenants again; the rollout runs on")
    static class RetryFailed extends Action {
        RetryFailed() {
            super("retry-failed");
        }
    }

    /** An operator's decision on one rollout. */
    abstract static class Action implements Callable<Integer> {
        private final String action;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ROLLOUT_ID")
        String id;

        Action(String action) {
            this.action = action;
        }

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode rollout =
                    cli.client(Service.WORKER).post("/admin/rollouts/" + Query.segment(id) + "/" + action, null);
            if (cli.json()) {
                cli.printJson(rollout);
            } else {
                printRollout(cli.out(), rollout);
            }
            return Cli.OK;
        }
    }

    /** Exit 0 for a rollout completed without failures or still going without any; 1 otherwise. */
    static int outcome(JsonNode rollout) {
        String state = rollout.path("state").asText();
        boolean bad = "halted".equals(state)
                || "aborted".equals(state)
                || rollout.path("tenants").path("failed").asInt() > 0;
        return bad ? Cli.PROBLEMS : Cli.OK;
    }

    /** Redraws a bar for the current stage until the rollout stops running; a new bar per stage. */
    static int follow(Cli cli, ApiClient worker, JsonNode first, Duration pollInterval) throws InterruptedException {
        JsonNode rollout = first;
        String id = rollout.path("id").asText();
        int barStage = -1;
        ProgressBar bar = null;
        while (true) {
            int current = rollout.path("currentStage").asInt();
            // A bar per stage: stages finished since the last poll get their final bar first.
            for (int stage = Math.max(barStage, 0); stage <= current; stage++) {
                if (stage != barStage) {
                    if (bar != null) {
                        showStage(bar, rollout.path("stages").path(barStage));
                        bar.end();
                    }
                    JsonNode s = rollout.path("stages").path(stage);
                    bar = new ProgressBar(
                            cli.err(), String.format("%-12s", s.path("name").asText()));
                    barStage = stage;
                }
                showStage(bar, rollout.path("stages").path(stage));
            }
            if (!"running".equals(rollout.path("state").asText())) {
                break;
            }
            Thread.sleep(pollInterval.toMillis());
            rollout = worker.get("/admin/rollouts/" + Query.segment(id));
        }
        if (bar != null) {
            bar.end();
        }
        if (cli.json()) {
            cli.printJson(rollout);
        } else {
            printRollout(cli.out(), rollout);
        }
        return outcome(rollout);
    }

    private static void showStage(ProgressBar bar, JsonNode stage) {
        JsonNode t = stage.path("tenants");
        bar.show(
                t.path("done").asInt() + t.path("failed").asInt(),
                t.path("total").asInt() - t.path("skipped").asInt(),
                t.path("failed").asInt());
    }

    static void printRollout(PrintWriter out, JsonNode r) {
        JsonNode t = r.path("tenants");
        out.printf(
                "Rollout %s to version %s: %s%s%n",
                r.path("id").asText(),
                r.path("targetVersion").asText(),
                r.path("state").asText(),
                r.hasNonNull("reason") ? " (" + r.path("reason").asText() + ")" : "");
        String speed = r.hasNonNull("tenantsPerSecond")
                ? String.format(", %.1f tenants/s", r.path("tenantsPerSecond").asDouble())
                        + (r.hasNonNull("etaSeconds")
                                        && t.path("pending").asInt()
                                                        + t.path("running").asInt()
                                                > 0
                                ? ", about "
                                        + Times.human(Duration.ofSeconds(
                                                r.path("etaSeconds").asLong())) + " left"
                                : "")
                : "";
        out.printf(
                "  %d done, %d failed, %d running, %d pending, %d skipped%s%n",
                t.path("done").asInt(),
                t.path("failed").asInt(),
                t.path("running").asInt(),
                t.path("pending").asInt(),
                t.path("skipped").asInt(),
                speed);
        Table stages = Table.of("#", "STAGE", "TENANTS", "DONE", "FAILED", "BUDGET", "PARALLEL", "AFTER");
        r.path("stages")
                .forEach(s -> stages.row(
                        s.path("position").asInt() == r.path("currentStage").asInt()
                                ? "> " + s.path("position")
                                : s.path("position"),
                        s.path("name").asText(),
                        s.path("tenants").path("total").asInt(),
                        s.path("tenants").path("done").asInt(),
                        s.path("tenants").path("failed").asInt(),
                        s.hasNonNull("maxFailures") ? s.path("maxFailures").asText() : "none",
                        s.path("parallelism").asInt(),
                        after(s)));
        stages.print(out);
        if (r.path("failures").size() > 0) {
            Table failures = Table.of("TENANT", "SCHEMA", "STAGE", "ATTEMPTS", "ERROR");
            r.path("failures")
                    .forEach(f -> failures.row(
                            f.path("tenant").asText(),
                            f.path("schema").asText(),
                            f.path("stage").asInt(),
                            f.path("attempts").asInt(),
                            f.path("error").asText()));
            failures.print(out);
        }
    }

    private static String after(JsonNode stage) {
        List<String> parts = new ArrayList<>();
        if (stage.path("pauseAfterSeconds").asLong() > 0) {
            parts.add("pause "
                    + Times.human(
                            Duration.ofSeconds(stage.path("pauseAfterSeconds").asLong())));
        }
        if (stage.path("gate").asBoolean()) {
            parts.add("gate");
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    static void printPlan(PrintWriter out, JsonNode plan) {
        out.printf(
                "Plan to version %s%s%n",
                plan.path("targetVersion").asText(),
                plan.hasNonNull("estimatedSeconds")
                        ? ", about "
                                + Times.human(Duration.ofSeconds(
                                        plan.path("estimatedSeconds").asLong()))
                        : " (no estimate: no upgrade measured yet)");
        Table stages = Table.of("#", "STAGE", "TENANTS", "BUDGET", "PARALLEL", "ESTIMATE", "FIRST TENANTS");
        plan.path("stages").forEach(s -> {
            List<String> first = new ArrayList<>();
            s.path("tenants").forEach(t -> {
                if (first.size() < 3) {
                    first.add(t.path("schema").asText());
                }
            });
            int more = s.path("tenants").size() - first.size();
            int budget = s.path("maxFailures").asInt();
            stages.row(
                    s.path("position").asInt(),
                    s.path("name").asText(),
                    s.path("tenants").size(),
                    budget == Integer.MAX_VALUE ? "none" : String.valueOf(budget),
                    s.path("parallelism").asInt(),
                    s.hasNonNull("estimatedSeconds")
                            ? Times.human(Duration.ofSeconds(
                                    s.path("estimatedSeconds").asLong()))
                            : "-",
                    String.join(" ", first) + (more > 0 ? " (+" + more + ")" : ""));
        });
        stages.print(out);
        if (plan.path("skipped").size() > 0) {
            Table skipped = Table.of("SKIPPED", "SCHEMA", "WHY");
            plan.path("skipped")
                    .forEach(s -> skipped.row(
                            s.path("tenant").asText(),
                            s.path("schema").asText("-"),
                            s.path("reason").asText()));
            skipped.print(out);
        }
    }
}
