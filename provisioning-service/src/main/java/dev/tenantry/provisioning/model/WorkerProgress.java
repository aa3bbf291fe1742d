package dev.tenantry.provisioning.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How far the migration worker has got, as the registry sees it: the answers it gave within a
 * recent window. The stuck-tenant sweep asks it which waiting tenants count as unanswered.
 *
 * <p>A request's age alone says nothing: in a burst larger than the worker's throughput for the
 * timeout, healthy requests wait in the topic longer than the timeout, and re-sending or failing
 * them only adds load and rolls back good signups. A request is taken for lost only when the
 * worker has answered requests sent well after it (it has moved past it), or has answered nothing
 * for the whole timeout (it is away or stuck, and the request is re-sent as before).
 *
 * @param lastAnswerAt          the latest answer in the window; null when there was none
 * @param latestAnsweredRequest the latest sending time among the requests answered in the window;
 *                              null when none of those answers was to a request of the saga
 */
public record WorkerProgress(Instant lastAnswerAt, Instant latestAnsweredRequest) {

    public static final WorkerProgress SILENT = new WorkerProgress(null, null);

    /**
     * The cutoff for the sweep: tenants waiting since before it count as unanswered; empty when
     * none does.
     *
     * <p>Answered requests sent up to {@code timeout} after a waiting one are tolerated: the worker
     * reads its partitions side by side, and one of them can run ahead of another.
     */
    public Optional<Instant> unansweredBefore(Instant now, Duration timeout) {
        Instant patience = now.minus(timeout);
        if (lastAnswerAt == null || lastAnswerAt.isBefore(patience)) {
            return Optional.of(patience);
        }
        if (latestAnsweredRequest == null) {
            return Optional.empty();
        }
        Instant passed = latestAnsweredRequest.minus(timeout);
        return Optional.of(passed.isBefore(patience) ? passed : patience);
    }
}
