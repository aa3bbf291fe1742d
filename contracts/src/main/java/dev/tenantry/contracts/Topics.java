package dev.tenantry.contracts;

import java.util.List;

/**
 * Kafka topic names used by Tenantry.
 *
 * <p>Dead-letter topics are per topic and consumer group: {@code <topic>.<group>.dlq}, see
 * {@link #deadLetter(String, String)}.
 */
public final class Topics {

    /** Commands from other services to the provisioning service. */
    public static final String TENANT_COMMANDS = "tenant-commands";

    /** Work for the migration workers, written by the provisioning service (outbox). */
    public static final String TENANT_MIGRATION_REQUESTS = "tenant-migration-requests";

    /** Outcomes of migration work, written by the migration workers. */
    public static final String TENANT_MIGRATION_RESULTS = "tenant-migration-results";

    /** Public tenant lifecycle events, written by the provisioning service (outbox). */
    public static final String TENANT_LIFECYCLE = "tenant-lifecycle";

    /** The four event topics (dead-letter topics excluded), in workflow order. */
    public static final List<String> ALL =
            List.of(TENANT_COMMANDS, TENANT_MIGRATION_REQUESTS, TENANT_MIGRATION_RESULTS, TENANT_LIFECYCLE);

    /** Suffix of every dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private Topics() {}

    /**
     * Name of the dead-letter topic a consumer group writes records of {@code topic} to that it
     * could not process.
     *
     * @param topic         the topic the records were read from
     * @param consumerGroup the consumer group that gave up on them
     * @return {@code <topic>.<consumerGroup>.dlq}
     * @throws IllegalArgumentException if either argument is null or blank
     */
    public static String deadLetter(String topic, String consumerGroup) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be null or blank");
        }
        if (consumerGroup == null || consumerGroup.isBlank()) {
            throw new IllegalArgumentException("consumerGroup must not be null or blank");
        }
        return topic + "." + consumerGroup + DEAD_LETTER_SUFFIX;
    }

    /**
     * Whether {@code topic} is named like a dead-letter topic.
     *
     * @param topic a topic name, may be null
     * @return true if it ends with {@value #DEAD_LETTER_SUFFIX}
     */
    public static boolean isDeadLetter(String topic) {
        return topic != null && topic.endsWith(DEAD_LETTER_SUFFIX);
    }
}
