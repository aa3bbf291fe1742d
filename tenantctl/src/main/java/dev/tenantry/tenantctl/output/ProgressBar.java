package dev.tenantry.tenantctl.output;

import java.io.PrintWriter;

/** A one-line progress bar redrawn in place (carriage return), for stderr. */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private String last = "";

    public ProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    public void show(int finished, int total, int failed) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * finished / total);
        String line = String.format(
                "%s [%s%s] %d/%d%s",
                label,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                finished,
                total,
                failed > 0 ? " (" + failed + " failed)" : "");
        if (!line.equals(last)) {
            out.print("\r" + line);
            out.flush();
            last = line;
        }
    }

    public void end() {
        if (!last.isEmpty()) {
            out.println();
            out.flush();
        }
    }
}
