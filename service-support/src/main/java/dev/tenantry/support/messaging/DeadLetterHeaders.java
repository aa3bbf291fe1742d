package dev.tenantry.support.messaging;

/**
 * Headers a dead-letter record carries besides the original record's own headers. Operators
 * read them to see why a record failed; replay reads them to send it back where it came from.
 */
public final class DeadLetterHeaders {

    public static final String ERROR_CLASS = "dlq-error-class";
    public static final String ERROR_MESSAGE = "dlq-error-message";
    public static final String REASON = "dlq-reason";
    public static final String ORIGINAL_TOPIC = "dlq-original-topic";
    public static final String ORIGINAL_PARTITION = "dlq-original-partition";
    public static final String ORIGINAL_OFFSET = "dlq-original-offset";
    public static final String CONSUMER_GROUP = "dlq-consumer-group";
    public static final String FIRST_FAILURE_TIME = "dlq-first-failure-time";
    public static final String ATTEMPTS = "dlq-attempts";
    /**
     * The original record, {@code <topic>/<partition>/<offset>}, where it was first consumed: the
     * same on every dead letter of it however often it was replayed and failed again (the
     * {@code dlq-original-*} headers name the copy that failed last). The replay cap counts per origin.
     */
    public static final String ORIGIN = "dlq-origin";
    /** How many times a record has been replayed from a dead-letter topic. */
    public static final String REPLAY_COUNT = "tenantry-replay-count";
    /** The consumer group a replayed record is meant for; other groups skip it. */
    public static final String REPLAY_TARGET_GROUP = "tenantry-replay-group";
    /**
     * On a replayed record: the first-failure time of the dead letter it came from, so that a
     * record failing again keeps the time it first failed (dlq-* headers are not replayed).
     */
    public static final String REPLAY_FIRST_FAILURE_TIME = "tenantry-replay-first-failure-time";
    /** On a replayed record: the {@link #ORIGIN} of its dead letter, carried to the next dead letter. */
    public static final String REPLAY_ORIGIN = "tenantry-replay-origin";
    /** On a replay-log record: the dead letter ({@code <dlq topic>/<partition>/<offset>}) that was replayed. */
    public static final String REPLAYED_LETTER = "tenantry-replayed-letter";

    private DeadLetterHeaders() {}
}
