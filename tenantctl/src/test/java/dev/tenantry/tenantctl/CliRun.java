package dev.tenantry.tenantctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One tenantctl invocation in this JVM, with its exit code and what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Tenantctl.execute(args, environment, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
