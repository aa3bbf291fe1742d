package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.testinfra.RawHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11, hostile input at scale, on the whole system: thousands of generated requests against
 * the REST APIs of all three services, and generated garbage on every topic a service consumes.
 * Requests are answered 2xx or 4xx, never 5xx, and every 4xx that has a body is problem+json; the
 * services stay ready. Every garbage record ends in its consumer's dead-letter topic with a reason,
 * and each consumer goes on consuming: a command, a signup and its webhook still go through.
 *
 * <p>{@code -Dtenantry.faults.fuzz-requests} (10,000) requests and
 * {@code -Dtenantry.faults.fuzz-records} (40) records per topic; {@code -Dtenantry.faults.seed}
 * repeats a run. Runs only with {@code -Pfaults}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuzzIT {

    private static final URI FUZZ_SOURCE = URI.create("urn:tenantry:fault-suite:fuzz");
    private static final CloudEventCodec CODEC = new CloudEventCodec();
    /** The topics the services consume, each by one consumer group. */
    private static final List<String> CONSUMED = List.of(
            Topics.TENANT_COMMANDS,
            Topics.TENANT_MIGRATION_REQUESTS,
            Topics.TENANT_MIGRATION_RESULTS,
            Topics.TENANT_LIFECYCLE);

    private static RunningSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = RunningSystem.start("fault-stack-fuzz");
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    /** Second: the requests may leave webhook endpoints behind whose deliveries never settle. */
    @Test
    @Order(2)
    void generatedRequestsAreAnswered2xxOr4xxWithProblemJsonAndNoServiceFails() throws Exception {
        int count = ScenarioProperties.intProperty("tenantry.faults.fuzz-requests", 10_000);
        long seed = ScenarioProperties.seed();
        System.out.printf("[fault-suite] fuzz-rest: %d requests, seed %d%n", count, seed);
        Random random = new Random(seed);
        Map<String, String> urls = system.serviceUrls();
        Map<String, List<RequestFuzzer.Route>> routes = new TreeMap<>();
        Map<String, RequestFuzzer> fuzzers = new TreeMap<>();
        for (Map.Entry<String, String> service : urls.entrySet()) {
            JsonNode document = RequestFuzzer.openApi(service.getValue());
            routes.put(service.getKey(), RequestFuzzer.routes(document));
            fuzzers.put(
                    service.getKey(), new RequestFuzzer(random, system.token(), RequestFuzzer.fieldNames(document)));
        }
        List<String> services = new ArrayList<>(urls.keySet());

        Map<String, Integer> byStatus = new TreeMap<>();
        List<String> offenders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String service = services.get(random.nextInt(services.size()));
            RequestFuzzer.FuzzRequest request = fuzzers.get(service).next(routes.get(service));
            RawHttp.Answer answer = RawHttp.send(
                    URI.create(urls.get(service)).getPort(),
                    request.method(),
                    request.target(),
                    request.headers(),
                    request.body());
            byStatus.merge(answer.status() / 100 + "xx", 1, Integer::sum);
            String wrong = judge(request, answer);
            if (wrong != null && offenders.size() < 50) {
                offenders.add(service + ": " + wrong + " for " + request.describe() + " -> " + excerpt(answer.body()));
            }
        }
        List<StackComponentStatus> notRunning =
                system.status().stream().filter(c -> !c.running()).toList();
        ScenarioSummary summary = new ScenarioSummary(
                "fuzz-rest",
                "generated requests to the three REST APIs " + byStatus,
                count,
                0,
                offenders.size(),
                0,
                -1,
                seed);
        System.out.println(summary.line());
        summary.write();

        assertThat(offenders)
                .as("answers that break the contract (first 50), seed %d", seed)
                .isEmpty();
        assertThat(notRunning)
                .as("components not running and ready after the fuzzing")
                .isEmpty();
    }

    @Test
    @Order(1)
    void everyGarbageRecordIsDeadLetteredWithAReasonAndEveryConsumerGoesOn() throws Exception {
        int perTopic = ScenarioProperties.intProperty("tenantry.faults.fuzz-records", 40);
        long seed = ScenarioProperties.seed();
        System.out.printf(
                "[fault-suite] fuzz-consumers: %d records on each of %s, seed %d%n", perTopic, CONSUMED, seed);
        Random random = new Random(seed);
        InvariantChecker checker = new InvariantChecker(system.dataSource(), system.kafkaBootstrap());
        Instant since = Instant.now();
        Set<String> injected = ConcurrentHashMap.newKeySet();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (String topic : CONSUMED) {
                for (int i = 0; i < perTopic; i++) {
                    String key = "fuzz-" + topic + "-" + i;
                    producer.send(garbage(random, topic, key)).get();
                    injected.add(key);
                }
            }
            // After the garbage, on the same partitions' consumers: a command that must go through.
            String commanded = "fuzzcmd_"
                    + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 8);
            producer.send(CODEC.toRecord(
                            Topics.TENANT_COMMANDS,
                            EventEnvelope.create(
                                    FUZZ_SOURCE,
                                    new CreateTenant(
                                            UUID.randomUUID().toString(), commanded, "Fuzz command", null, Map.of()))))
                    .get();
            awaitActive(system.dataSource(), commanded);
        }
        // A signup over REST travels the other consumers: requests (worker), results (provisioning)
        // and lifecycle (dispatcher, to the stack's demo receiver).
        String signedUp = "fuzzrest_"
                + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 8);
        RawHttp.Answer answer = RawHttp.send(
                URI.create(system.provisioningUrl()).getPort(),
                "POST",
                "/tenants",
                Map.of("Authorization", "Bearer " + system.token(), "Content-Type", "application/json"),
                ("{\"slug\":\"" + signedUp + "\",\"displayName\":\"Fuzz signup\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        awaitActive(system.dataSource(), signedUp);

        Settling settling = new Settling(system.dataSource());
        settling.awaitOutboxAndWebhooksSettled(Duration.ofMinutes(5));
        Set<String> deadLettered = ConcurrentHashMap.newKeySet();
        // Explained: a dead letter of a record this test wrote, with a reason. Collected on the way,
        // so that a record never dead-lettered shows up as missing below.
        settling.awaitCaughtUp(
                () -> checker.check(since, letter -> injected.contains(letter.key())), Duration.ofMinutes(5));
        await("every garbage record dead-lettered")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> {
                    checker.check(since, letter -> {
                        boolean ours = injected.contains(letter.key())
                                && letter.reason() != null
                                && !letter.reason().isBlank();
                        if (ours) {
                            deadLettered.add(letter.key());
                        }
                        return ours;
                    });
                    return deadLettered.size() >= injected.size();
                });
        InvariantReport report = checker.check(
                since,
                letter -> injected.contains(letter.key())
                        && letter.reason() != null
                        && !letter.reason().isBlank());
        ScenarioSummary summary = new ScenarioSummary(
                "fuzz-consumers",
                "garbage records on " + CONSUMED.size() + " consumed topics",
                injected.size(),
                2,
                report.violations().size(),
                report.deadLetters(),
                -1,
                seed);
        System.out.println(summary.line());
        summary.write();

        Set<String> missing = new java.util.TreeSet<>(injected);
        missing.removeAll(deadLettered);
        assertThat(missing).as("garbage records with no dead letter and reason").isEmpty();
        assertThat(report.violations()).as(report.describe()).isEmpty();
    }

    /** Why an answer breaks the contract, or null when it keeps it. */
    private static String judge(RequestFuzzer.FuzzRequest request, RawHttp.Answer answer) {
        if (answer.status() >= 500 || answer.status() < 200) {
            return "status " + answer.status();
        }
        boolean hasBody = !request.method().equals("HEAD")
                && answer.body() != null
                && !answer.body().isEmpty();
        if (answer.status() >= 400
                && hasBody
                && (answer.contentType() == null || !answer.contentType().startsWith("application/problem+json"))) {
            return "status " + answer.status() + " as " + answer.contentType() + ", not problem+json";
        }
        return null;
    }

    /** One garbage record of a seeded kind, keyed so that its dead letter can be told apart. */
    private static ProducerRecord<String, byte[]> garbage(Random random, String topic, String key) {
        // A real event's headers and data, encoded for its own topic, worn by records of any topic.
        ProducerRecord<String, byte[]> event = CODEC.toRecord(
                Topics.TENANT_MIGRATION_REQUESTS,
                EventEnvelope.create(
                        FUZZ_SOURCE,
                        new TenantRollbackRequested(UUID.randomUUID().toString(), "fuzz_x", "tenant_fuzz_x", "fuzz")));
        byte[] noise = new byte[1 + random.nextInt(2_000)];
        random.nextBytes(noise);
        ProducerRecord<String, byte[]> record = switch (random.nextInt(7)) {
            // An event's headers over bytes that are not its data.
            case 0 -> new ProducerRecord<>(topic, null, key, noise, event.headers());
            // An event's headers over JSON of another shape.
            case 1 ->
                new ProducerRecord<>(
                        topic, null, key, "{\"unexpected\":[1,2,3]}".getBytes(StandardCharsets.UTF_8), event.headers());
            // Bytes and no headers at all.
            case 2 -> new ProducerRecord<>(topic, key, noise);
            // A tombstone.
            case 3 -> new ProducerRecord<>(topic, key, null);
            // JSON null with the event's headers.
            case 4 -> new ProducerRecord<>(topic, null, key, "null".getBytes(StandardCharsets.UTF_8), event.headers());
            // The event's own data under a type nobody knows.
            case 5 -> {
                ProducerRecord<String, byte[]> unknown =
                        new ProducerRecord<>(topic, null, key, event.value(), event.headers());
                unknown.headers().remove(CloudEventCodec.CE_TYPE);
                unknown.headers()
                        .add(CloudEventCodec.CE_TYPE, "dev.tenantry.NoSuchEvent".getBytes(StandardCharsets.UTF_8));
                yield unknown;
            }
            // Random header names and values, one of them large, over bytes.
            default -> {
                ProducerRecord<String, byte[]> noisy = new ProducerRecord<>(topic, key, noise);
                for (int i = 0; i < 1 + random.nextInt(5); i++) {
                    byte[] value = new byte[random.nextInt(i == 0 ? 50_000 : 100)];
                    random.nextBytes(value);
                    noisy.headers().add("ce_" + Integer.toHexString(random.nextInt()), value);
                }
                yield noisy;
            }
        };
        return record;
    }

    private static void awaitActive(DataSource database, String slug) {
        await(slug + " ACTIVE")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> "ACTIVE".equals(status(database, slug)));
    }

    private static String status(DataSource database, String slug) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT status FROM tenant WHERE slug = ?")) {
            query.setString(1, slug);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(properties);
    }

    private static String excerpt(String body) {
        String text = body == null ? "" : body.replaceAll("\\p{Cntrl}", "?");
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
