package dev.tenantry.support.deadletter;

import java.util.List;

/** What a replay did (or, for a dry run, would do). */
public record ReplayResult(boolean dryRun, List<DeadLetter> replayed, List<Refused> refused) {

    /** A dead letter that was not replayed, and why (e.g. replay cap reached). */
    public record Refused(DeadLetter deadLetter, String reason) {
    }
}
