package dev.tenantry.support.deadletter;

import java.time.Instant;

/**
 * Which dead letters to replay. Exactly one selector: an event id, a tenant, a time, or all.
 *
 * @param dryRun report what would be replayed without sending anything
 * @param max    replay at most this many (default 100)
 */
public record ReplayRequest(
        String consumerGroup, String eventId, String tenant, Instant since, Boolean all, Boolean dryRun, Integer max) {

    public boolean isDryRun() {
        return Boolean.TRUE.equals(dryRun);
    }

    public int limit() {
        return max == null ? 100 : max;
    }

    public int selectorCount() {
        int count = 0;
        count += eventId != null ? 1 : 0;
        count += tenant != null ? 1 : 0;
        count += since != null ? 1 : 0;
        count += Boolean.TRUE.equals(all) ? 1 : 0;
        return count;
    }
}
