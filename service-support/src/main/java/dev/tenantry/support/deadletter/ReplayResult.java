package dev.tenantry.support.deadletter;

import java.util.List;

/**
 * What a replay did (or, for a dry run, would do).
 *
 * @param partial the search for dead letters stopped at {@code tenantry.dead-letters.scan-limit}:
 *                older matching letters may be left; replay again to reach them
 */
public record ReplayResult(boolean dryRun, List<DeadLetter> replayed, List<Refused> refused, boolean partial) {

    /** A dead letter that was not replayed, and why (e.g. replay cap reached). */
    public record Refused(DeadLetter deadLetter, String reason) {}
}
