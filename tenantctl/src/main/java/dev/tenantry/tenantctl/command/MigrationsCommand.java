package dev.tenantry.tenantctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.ApiException;
import dev.tenantry.tenantctl.client.Query;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.tenantctl.output.ProgressBar;
import dev.tenantry.tenantctl.output.Table;
import dev.tenantry.tenantctl.output.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Drift of tenant schemas against the latest migration, and its repair, through the migration worker. */
@Command(
        name = "migrations",
        description = "Verify tenant schemas against the latest migration and repair drift",
        subcommands = {MigrationsCommand.Verify.class, MigrationsCommand.Fix.class, MigrationsCommand.Runs.class})
public class MigrationsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Cli.of(spec).usage("Missing subcommand: verify, fix or runs");
    }

    @Command(name = "verify", description = "Where every tenant schema stands; exit 1 when any drift is found")
    static class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--tenant",
                description = "Only this tenant (id, slug or schema); exit 1 when no service " + "knows it")
        String tenant;

        @Option(
                names = "--deep",
                description = "Also compare each schema's tables, columns, indexes and constraints "
                        + "with a freshly migrated reference schema")
        boolean deep;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode report = cli.client(Service.WORKER)
                    .get(Query.path("/admin/drift").param("deep", deep).toString());
            ObjectNode shown =
                    tenant == null ? (ObjectNode) report : DriftReports.onlyTenant((ObjectNode) report, tenant);
            boolean drift = DriftReports.hasDrift(shown);
            if (tenant != null && !drift) {
                // "No drift" for a misspelt tenant would be a false all-clear.
                TenantLookup.Result lookup = TenantLookup.find(cli, tenant);
                if (lookup.answer() != TenantLookup.Answer.KNOWN) {
                    cli.err().println("Error: " + lookup.detail());
                    cli.err().flush();
                    return Cli.PROBLEMS;
                }
            }
            if (cli.json()) {
                cli.printJson(shown);
            } else {
                printReport(cli.out(), shown, tenant);
            }
            return drift ? Cli.PROBLEMS : Cli.OK;
        }
    }

    @Command(
            name = "fix",
            description = "Upgrade every tenant that is behind (a fleet upgrade), with progress; "
                    + "exit 1 when any tenant could not be upgraded")
    static class Fix implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--no-wait", description = "Start the fleet upgrade and return at once")
        boolean noWait;

        @Option(names = "--poll-interval", defaultValue = "500ms")
        Duration pollInterval;

        @Option(names = "--wait-timeout", defaultValue = "1h")
        Duration waitTimeout;

        @Override
        public Integer call() throws InterruptedException {
            Cli cli = Cli.of(spec);
            ApiClient worker = cli.client(Service.WORKER);
            JsonNode progress = worker.post("/admin/drift/fix", null);
            String id = progress.path("id").asText();
            ProgressBar bar = new ProgressBar(cli.err(), "Fleet upgrade");
            long deadline = System.nanoTime() + waitTimeout.toNanos();
            while (!noWait && !finished(progress) && System.nanoTime() < deadline) {
                bar.show(
                        progress.path("done").asInt() + progress.path("failed").asInt(),
                        progress.path("total").asInt(),
                        progress.path("failed").asInt());
                Thread.sleep(pollInterval.toMillis());
                try {
                    progress = worker.get("/admin/fleet-upgrade");
                } catch (ApiException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
                if (!id.equals(progress.path("id").asText())) {
                    cli.err().println();
                    cli.err()
                            .println("Another fleet upgrade ("
                                    + progress.path("id").asText() + ") replaced " + id);
                    id = progress.path("id").asText();
                }
            }
            if (!noWait) {
                bar.show(
                        progress.path("done").asInt() + progress.path("failed").asInt(),
                        progress.path("total").asInt(),
                        progress.path("failed").asInt());
                bar.end();
            }
            if (cli.json()) {
                cli.printJson(progress);
            } else {
                printSummary(cli.out(), progress, noWait);
            }
            if (noWait) {
                return Cli.OK;
            }
            return finished(progress) && progress.path("failed").asInt() == 0 ? Cli.OK : Cli.PROBLEMS;
        }

        private static boolean finished(JsonNode progress) {
            return "finished".equals(progress.path("state").asText());
        }

        private static void printSummary(PrintWriter out, JsonNode p, boolean started) {
            int total = p.path("total").asInt();
            if (total == 0 && "finished".equals(p.path("state").asText())) {
                out.println("Nothing to fix: no tenant is behind the latest migration");
                return;
            }
            if (started) {
                out.printf(
                        "Fleet upgrade %s started: %d tenant(s) to upgrade. Follow it with tenantctl migrations fix "
                                + "(joins the running upgrade) or GET /admin/fleet-upgrade%n",
                        p.path("id").asText(), total);
                return;
            }
            String took = p.hasNonNull("finishedAt") && p.hasNonNull("startedAt")
                    ? " in "
                            + Times.human(Duration.between(
                                    java.time.Instant.parse(p.get("startedAt").asText()),
                                    java.time.Instant.parse(p.get("finishedAt").asText())))
                    : "";
            out.printf(
                    "Fleet upgrade %s %s%s: %d upgraded, %d failed, %d remaining of %d%n",
                    p.path("id").asText(),
                    p.path("state").asText(),
                    took,
                    p.path("done").asInt(),
                    p.path("failed").asInt(),
                    p.path("remaining").asInt(),
                    total);
            if (p.path("failures").size() > 0) {
                Table table = Table.of("TENANT", "SCHEMA", "REASON");
                p.get("failures").forEach(f -> table.row(f.get("tenant"), f.get("schema"), f.get("reason")));
                table.print(out);
            }
        }
    }

    @Command(name = "runs", description = "The migration run log of one tenant, newest first")
    static class Runs implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TENANT_ID")
        String tenantId;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public Integer call() {
            Cli cli = Cli.of(spec);
            JsonNode runs = cli.client(Service.WORKER)
                    .get(Query.path("/admin/tenants/" + Query.segment(tenantId) + "/runs")
                            .param("limit", limit)
                            .toString());
            if (cli.json()) {
                cli.printJson(runs);
                return Cli.OK;
            }
            Table table = Table.of("STARTED", "KIND", "OK", "FROM", "TO", "APPLIED", "SCHEMA", "ERROR");
            runs.forEach(r -> table.row(
                    r.get("startedAt"),
                    r.get("kind"),
                    r.path("succeeded").asBoolean() ? "yes" : "NO",
                    r.get("fromVersion"),
                    r.get("toVersion"),
                    r.get("appliedCount"),
                    r.get("schema"),
                    r.hasNonNull("errorCode")
                            ? r.get("errorCode").asText() + ": "
                                    + r.path("errorMessage").asText()
                            : null));
            if (table.isEmpty()) {
                cli.out().println("No migration runs for tenant " + tenantId);
            } else {
                table.print(cli.out());
            }
            return Cli.OK;
        }
    }

    private static void printReport(PrintWriter out, JsonNode r, String tenant) {
        if (tenant == null) {
            out.printf(
                    "%d tenant(s), %d up to date, %d behind, %d pinned, %d ahead, %d failed, %d without schema; "
                            + "latest version %s (checked in %d ms)%n",
                    r.path("totalTenants").asInt(),
                    r.path("upToDate").asInt(),
                    r.path("behind").size(),
                    r.path("pinned").size(),
                    r.path("ahead").size(),
                    r.path("failed").size(),
                    r.path("missingSchema").size(),
                    r.path("latest").asText("?"),
                    r.path("durationMs").asLong());
        } else if (!DriftReports.hasDrift(r)) {
            out.printf(
                    "%s: no drift reported (latest version %s)%n",
                    tenant, r.path("latest").asText("?"));
        }
        section(
                out,
                r,
                "behind",
                "Behind the latest migration",
                Table.of("TENANT", "SCHEMA", "CURRENT", "LATEST", "PENDING"),
                (t, e) -> t.row(
                        e.get("tenant"),
                        e.get("schema"),
                        e.hasNonNull("current") ? e.get("current") : "none",
                        e.get("latest"),
                        join(e.path("pending"))));
        section(
                out,
                r,
                "pinned",
                "Pinned below the latest (upgraded to a target version; not repaired until " + "upgraded without one)",
                Table.of("TENANT", "SCHEMA", "CURRENT", "PINNED", "LATEST"),
                (t, e) -> t.row(
                        e.get("tenant"),
                        e.get("schema"),
                        e.hasNonNull("current") ? e.get("current") : "none",
                        e.get("pinnedVersion"),
                        e.get("latest")));
        section(
                out,
                r,
                "ahead",
                "Ahead of this worker (applied by a newer release)",
                Table.of("TENANT", "SCHEMA", "CURRENT", "LATEST"),
                (t, e) -> t.row(e.get("tenant"), e.get("schema"), e.get("current"), e.get("latest")));
        section(
                out,
                r,
                "failed",
                "Last migration failed",
                Table.of("TENANT", "SCHEMA", "VERSION", "ERROR"),
                (t, e) -> t.row(
                        e.get("tenant"),
                        e.get("schema"),
                        e.get("failedVersion"),
                        e.path("errorCode").asText("") + ": "
                                + e.path("message").asText("")));
        section(
                out,
                r,
                "missingSchema",
                "Schema missing",
                Table.of("TENANT", "SCHEMA"),
                (t, e) -> t.row(e.get("tenant"), e.get("schema")));
        section(
                out,
                r,
                "deep",
                "Catalog differences from the reference schema",
                Table.of("SCHEMA", "MISSING", "UNEXPECTED"),
                (t, e) -> t.row(e.get("schema"), join(e.path("missing")), join(e.path("unexpected"))));
        if (DriftReports.hasDrift(r)) {
            out.println("Repair: tenantctl migrations fix (tenants behind); failed ones need a fixed migration, then "
                    + "tenantctl tenants upgrade <tenant>");
        }
    }

    private static void section(
            PrintWriter out,
            JsonNode report,
            String list,
            String title,
            Table table,
            java.util.function.BiConsumer<Table, JsonNode> row) {
        JsonNode entries = report.path(list);
        if (!entries.isArray() || entries.isEmpty()) {
            return;
        }
        entries.forEach(e -> row.accept(table, e));
        out.println();
        out.println(title + " (" + entries.size() + "):");
        table.print(out);
    }

    private static String join(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return "-";
        }
        StringBuilder text = new StringBuilder();
        array.forEach(v -> text.append(text.length() == 0 ? "" : ", ").append(v.asText()));
        return text.toString();
    }
}
