package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, replay storm: the worker's dead-letter topic holds the old requests of a tenant that
 * was deleted and whose slug a new, live tenant has taken since (its provisioning, rollback and
 * deletion, as if dead-lettered during an outage long ago), and a poisoned rollback that fails
 * every time. Operators then replay every dead letter again and again, from several terminals at
 * once. The live tenant's schema must not be touched (same schema, its data still there, ACTIVE at
 * its version), the old tenant stays DELETED, no dead letter is replayed more often than the cap,
 * and the invariant checker finds nothing but the scenario's own dead letters.
 */
class ReplayStormIT {

    private static final String SCENARIO = "replay-storm";
    private static final String SLUG = "storm_reused";
    private static final String WORKER_DLQ = Topics.deadLetter(Topics.TENANT_MIGRATION_REQUESTS, "migration-worker");
    private static final URI SOURCE = URI.create("urn:tenantry:fault-suite:replay-storm");
    private static final CloudEventCodec CODEC = new CloudEventCodec();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The services' default cap on replays of one dead letter ({@code tenantry.dead-letters.max-replays}). */
    private static final int REPLAY_CAP = 3;

    private static final int OPERATORS = 6;
    private static final int ROUNDS = 8;

    @Test
    void replayingDeadLettersAgainAndAgainTouchesNoLiveTenantAndStopsAtTheCap() throws Exception {
        try (RunningSystem system = RunningSystem.start("fault-stack-" + SCENARIO)) {
            DataSource database = system.dataSource();
            String token = system.token();
            InvariantChecker checker = new InvariantChecker(database, system.kafkaBootstrap());
            Instant since = Instant.now();

            String old = signUpAndAwait(system, SLUG, "ACTIVE");
            call(system.provisioningUrl() + "/tenants/" + old, "DELETE", null, token, 202);
            awaitStatus(database, SLUG, old, "DELETED");
            String live = signUpAndAwait(system, SLUG, "ACTIVE");
            String schema = "tenant_" + SLUG;
            execute(
                    database,
                    "CREATE TABLE " + schema + ".storm_marker (note text)",
                    "INSERT INTO " + schema + ".storm_marker VALUES ('the live tenant''s data')");
            long schemaOid = longValue(database, "SELECT oid FROM pg_namespace WHERE nspname = '" + schema + "'");

            // The old tenant's requests, as dead-lettered long ago, and one poisoned rollback.
            String poisonedTenant = java.util.UUID.randomUUID().toString();
            List<EventEnvelope<?>> letters = List.of(
                    EventEnvelope.create(SOURCE, new TenantRequested(old, SLUG, schema, null)),
                    EventEnvelope.create(SOURCE, new TenantRollbackRequested(old, SLUG, schema, "stale compensation")),
                    EventEnvelope.create(SOURCE, new TenantDeletionRequested(old, SLUG, schema)),
                    EventEnvelope.create(
                            SOURCE,
                            new TenantRollbackRequested(
                                    poisonedTenant,
                                    "storm_other",
                                    "tenant_someone_else",
                                    "poisoned: the schema is not the slug's")));
            Set<String> ourKeys = Set.of(old, poisonedTenant);
            try (KafkaProducer<String, byte[]> producer = producer(system.kafkaBootstrap())) {
                long offset = 0;
                for (EventEnvelope<?> letter : letters) {
                    producer.send(deadLetter(letter, offset++)).get();
                }
            }

            // The storm: every operator replays everything, round after round, at the same time.
            ExecutorService operators = Executors.newFixedThreadPool(OPERATORS);
            Map<Integer, Integer> answers = new TreeMap<>();
            try {
                List<Future<List<Integer>>> runs = new ArrayList<>();
                for (int o = 0; o < OPERATORS; o++) {
                    runs.add(operators.submit(() -> {
                        List<Integer> statuses = new ArrayList<>();
                        for (int round = 0; round < ROUNDS; round++) {
                            statuses.add(call(
                                            system.workerUrl() + "/admin/dead-letters/replay",
                                            "POST",
                                            "{\"all\":true}",
                                            token,
                                            -1)
                                    .statusCode());
                            Thread.sleep(500);
                        }
                        return statuses;
                    }));
                }
                for (Future<List<Integer>> run : runs) {
                    run.get().forEach(status -> answers.merge(status, 1, Integer::sum));
                }
            } finally {
                operators.shutdownNow();
            }

            Settling settling = new Settling(database);
            settling.awaitTenantsFinal(Duration.ofMinutes(5));
            settling.awaitOutboxAndWebhooksSettled(Duration.ofMinutes(5));
            settling.awaitCaughtUp(
                    () -> checker.check(since, letter -> ourKeys.contains(letter.key())), Duration.ofMinutes(5));
            Map<String, Integer> replaysByEvent = replaysByEvent(system.kafkaBootstrap(), since);
            InvariantReport report = checker.check(since, letter -> ourKeys.contains(letter.key()));
            ScenarioSummary summary = new ScenarioSummary(
                    SCENARIO,
                    OPERATORS + " operators replaying every dead "
                            + "letter " + ROUNDS + " times at once (answers " + answers
                            + "); stale requests of a deleted "
                            + "tenant whose slug is live again, and a poisoned one",
                    OPERATORS * ROUNDS,
                    2,
                    report.violations().size(),
                    report.deadLetters(),
                    -1,
                    0);
            System.out.println(summary.line());
            System.out.println("[fault-suite] replays by event id: " + replaysByEvent);
            summary.write();

            assertThat(answers.keySet()).as("answers to the replays").allMatch(status -> status < 500);
            assertThat(status(database, live)).isEqualTo("ACTIVE");
            assertThat(status(database, old)).isEqualTo("DELETED");
            assertThat(longValue(database, "SELECT oid FROM pg_namespace WHERE nspname = '" + schema + "'"))
                    .as("the live tenant's schema is the same schema")
                    .isEqualTo(schemaOid);
            assertThat(longValue(database, "SELECT count(*) FROM " + schema + ".storm_marker"))
                    .as("the live tenant's data")
                    .isEqualTo(1);
            assertThat(replaysByEvent.values()).as("replays of one dead letter").allMatch(n -> n <= REPLAY_CAP);
            assertThat(replaysByEvent.get(letters.get(3).id()))
                    .as("the poisoned rollback, replayed up to the cap")
                    .isEqualTo(REPLAY_CAP);
            assertThat(report.violations()).as(report.describe()).isEmpty();
        }
    }

    /** A dead letter of the worker's consumer group, with the headers its dead-letter publisher writes. */
    private static ProducerRecord<String, byte[]> deadLetter(EventEnvelope<?> event, long offset) {
        ProducerRecord<String, byte[]> record = CODEC.toRecord(WORKER_DLQ, event);
        Map<String, String> why = Map.of(
                "dlq-reason",
                "transient failure, retries exhausted: database away (long ago)",
                "dlq-error-class",
                "org.postgresql.util.PSQLException",
                "dlq-error-message",
                "Connection refused",
                "dlq-original-topic",
                Topics.TENANT_MIGRATION_REQUESTS,
                "dlq-original-partition",
                "0",
                "dlq-original-offset",
                Long.toString(offset),
                "dlq-consumer-group",
                "migration-worker",
                "dlq-first-failure-time",
                Instant.now().minusSeconds(3600).toString(),
                "dlq-attempts",
                "6",
                "dlq-origin",
                Topics.TENANT_MIGRATION_REQUESTS + "/0/" + offset);
        why.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    /** How often each event was replayed onto the requests topic since the scenario began. */
    private static Map<String, Integer> replaysByEvent(String bootstrap, Instant since) {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        new TopicSnapshot(bootstrap)
                .read(List.of(Topics.TENANT_MIGRATION_REQUESTS), since).stream()
                        .filter(r -> r.headers().lastHeader("tenantry-replay-count") != null)
                        .forEach(r -> counts.merge(
                                new String(
                                        r.headers()
                                                .lastHeader(CloudEventCodec.CE_ID)
                                                .value(),
                                        StandardCharsets.UTF_8),
                                1,
                                Integer::sum));
        return new TreeMap<>(counts);
    }

    private static String signUpAndAwait(RunningSystem system, String slug, String status) throws Exception {
        HttpResponse<String> answer = call(
                system.provisioningUrl() + "/tenants",
                "POST",
                "{\"slug\":\"" + slug + "\",\"displayName\":\"Replay storm\"}",
                system.token(),
                202);
        String id = JSON.readTree(answer.body()).get("id").asText();
        awaitStatus(system.dataSource(), slug, id, status);
        return id;
    }

    private static void awaitStatus(DataSource database, String slug, String id, String status) {
        await(slug + " " + status)
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> status.equals(status(database, id)));
    }

    private static String status(DataSource database, String id) throws Exception {
        try (Connection connection = database.getConnection();
                Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT status FROM tenant WHERE id = '" + id + "'")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static HttpResponse<String> call(String url, String method, String body, String token, int expected)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expected > 0 && response.statusCode() != expected) {
            throw new IllegalStateException(
                    method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static void execute(DataSource database, String... statements) throws Exception {
        try (Connection connection = database.getConnection();
                Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    private static long longValue(DataSource database, String sql) throws Exception {
        try (Connection connection = database.getConnection();
                Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(properties);
    }
}
