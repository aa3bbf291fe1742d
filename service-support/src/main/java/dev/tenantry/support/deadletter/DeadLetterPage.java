package dev.tenantry.support.deadletter;

import java.util.List;

/**
 * One page of dead letters, newest first.
 *
 * @param nextCursor pass as {@code cursor} for older letters; null when none are left
 * @param partial    the page holds fewer than asked for because the read stopped at
 *                   {@code tenantry.dead-letters.scan-limit} records: older matching letters may
 *                   exist, continue with {@code nextCursor}
 */
public record DeadLetterPage(List<DeadLetter> items, String nextCursor, boolean partial) {}
