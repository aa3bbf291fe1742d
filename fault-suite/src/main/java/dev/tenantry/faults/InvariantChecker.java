package dev.tenantry.faults;

import static dev.tenantry.faults.EventInvariants.header;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.Topics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Inspects the whole system once it has settled after a scenario (the registry, the tenant
 * schemas and their histories, the outbox, the topics, the webhook deliveries) and lists every
 * broken invariant ({@link InvariantRule}). Kafka is read from {@code since} on, so a scenario
 * judges what happened during it; the database is judged whole.
 */
public final class InvariantChecker {

    /** Dead-letter topics are named {@code <topic>.<consumer group>.dlq}. */
    private static final String DEAD_LETTER_SUFFIX = Topics.DEAD_LETTER_SUFFIX;

    private static final String ORIGINAL_TOPIC = "dlq-original-topic";
    private static final String REASON = "dlq-reason";

    private final DataSource database;
    private final TopicSnapshot topics;
    private final RegistryInvariants registry;

    /**
     * @param database     the database every service shares (registry, outbox, worker and dispatcher tables)
     * @param historyTable the tenant schemas' migration history table (the worker's setting)
     */
    public InvariantChecker(DataSource database, String kafkaBootstrapServers, String historyTable) {
        this.database = database;
        this.topics = new TopicSnapshot(kafkaBootstrapServers);
        this.registry = new RegistryInvariants(historyTable);
    }

    public InvariantChecker(DataSource database, String kafkaBootstrapServers) {
        this(database, kafkaBootstrapServers, "flyway_schema_history");
    }

    /**
     * @param since     the scenario's start: records older than this are not judged
     * @param explained says which dead letters the scenario's injected faults explain
     */
    public InvariantReport check(Instant since, Predicate<ObservedDeadLetter> explained) throws SQLException {
        List<String> deadLetterTopics = topics.topics().stream()
                .filter(t -> t.endsWith(DEAD_LETTER_SUFFIX))
                .sorted()
                .toList();
        List<ConsumerRecord<String, byte[]>> events = topics.read(Topics.ALL, since);
        List<ObservedDeadLetter> deadLetters = topics.read(deadLetterTopics, since).stream()
                .map(InvariantChecker::deadLetter)
                .toList();
        EventInvariants eventChecks = new EventInvariants(events, deadLetters, since);
        List<Violation> violations = new ArrayList<>();
        int tenants;
        int schemas;
        int deliveries;
        try (Connection connection = database.getConnection()) {
            registry.check(connection, violations);
            eventChecks.checkEmitted(connection, violations);
            eventChecks.checkWebhooks(connection, violations);
            tenants = registry.tenants(connection);
            schemas = registry.tenantSchemas(connection).size();
            deliveries = RegistryInvariants.strings(connection, "SELECT count(*) FROM webhook_delivery").stream()
                    .mapToInt(Integer::parseInt)
                    .sum();
        }
        eventChecks.checkDeadLetters(explained, violations);
        return new InvariantReport(violations, tenants, schemas, events.size(), deliveries, deadLetters.size());
    }

    /** Every dead letter counts as a violation: for scenarios that inject no fault a consumer should dead-letter. */
    public InvariantReport check(Instant since) throws SQLException {
        return check(since, letter -> false);
    }

    private static ObservedDeadLetter deadLetter(ConsumerRecord<String, byte[]> record) {
        return new ObservedDeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                Instant.ofEpochMilli(record.timestamp()),
                record.key(),
                header(record, ORIGINAL_TOPIC),
                header(record, REASON),
                header(record, CloudEventCodec.CE_TYPE));
    }
}
