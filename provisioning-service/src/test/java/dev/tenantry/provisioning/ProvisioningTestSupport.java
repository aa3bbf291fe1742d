package dev.tenantry.provisioning;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.support.security.Roles;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.TenantryInfrastructure;
import dev.tenantry.testinfra.TestTokens;
import io.restassured.http.ContentType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the provisioning tests share: tokens, REST calls, Kafka reads and database queries. */
public final class ProvisioningTestSupport {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    public static final URI TEST_SOURCE = URI.create("urn:tenantry:provisioning-tests");
    public static final CloudEventCodec CODEC = new CloudEventCodec();

    private ProvisioningTestSupport() {}

    public static Infrastructure infra() {
        return TenantryInfrastructure.get();
    }

    public static String admin() {
        return TestTokens.bearer(Roles.TENANT_ADMIN);
    }

    public static String viewer() {
        return TestTokens.bearer(Roles.VIEWER);
    }

    public static String operator() {
        return TestTokens.bearer(Roles.OPERATOR);
    }

    /** POSTs a tenant and returns its id (asserting 202). */
    public static String createTenant(String slug) {
        return given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "Tenant " + slug))
                .when()
                .post("/tenants")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    public static String status(String tenantRef) {
        return given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + tenantRef)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    public static void awaitStatus(String tenantRef, String expected) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> expected.equals(status(tenantRef)));
    }

    /** Kinds and transitions of the tenant's timeline, e.g. {@code transition:PROVISIONING->ACTIVE}. */
    public static List<String> timeline(String tenantId) {
        List<Map<String, Object>> entries = given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + tenantId + "/timeline")
                .then()
                .statusCode(200)
                .extract()
                .path("entries");
        return entries.stream()
                .map(e -> e.get("kind")
                        + (e.get("toStatus") == null ? "" : ":" + e.get("fromStatus") + "->" + e.get("toStatus")))
                .toList();
    }

    public static void sendCommand(EventEnvelope<?> command) {
        send(CODEC.toRecord(Topics.TENANT_COMMANDS, command));
    }

    /** Publishes an event to {@code topic} as its producer would (CloudEvents headers, key = subject). */
    public static void publish(String topic, EventEnvelope<?> event) {
        send(CODEC.toRecord(topic, event));
    }

    public static void send(String topic, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        send(record);
    }

    private static void send(ProducerRecord<String, byte[]> record) {
        sendAll(List.of(record));
    }

    /** Sends the records with one producer, in one batch where they fit, and waits for every one. */
    // Kafka clients of our own rather than TestKafka's: their classes must come from the same
    // class loader as this test's.
    public static void sendAll(List<ProducerRecord<String, byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra().kafkaBootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<String, byte[]> record : records) {
                sent.add(producer.send(record));
            }
            for (Future<?> each : sent) {
                each.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + records.size() + " records", e);
        }
    }

    private static KafkaConsumer<String, byte[]> newConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra().kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "provisioning-tests-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Records of {@code topic} (from the beginning) that match {@code filter}, read until
     * {@code done} holds for them or the timeout passes; returned in partition order.
     */
    public static List<ConsumerRecord<String, byte[]>> read(
            String topic,
            Predicate<ConsumerRecord<String, byte[]>> filter,
            Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                List<PartitionInfo> infos =
                        consumer.listTopics(Duration.ofSeconds(5)).get(topic);
                partitions = infos == null
                        ? List.of()
                        : infos.stream()
                                .map(p -> new TopicPartition(topic, p.partition()))
                                .toList();
                if (partitions.isEmpty()) {
                    sleep(100);
                }
            }
            if (partitions.isEmpty()) {
                throw new AssertionError("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.test(matched) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (filter.test(record)) {
                        matched.add(record);
                    }
                }
            }
        }
        return matched;
    }

    /** Event types (simple names) published on {@code topic} for the key, once {@code last} has arrived. */
    public static List<String> typesFor(String topic, String key, String last) {
        List<ConsumerRecord<String, byte[]>> records =
                read(topic, r -> key.equals(r.key()), got -> got.stream().anyMatch(r -> last.equals(simpleType(r))));
        return records.stream().map(ProvisioningTestSupport::simpleType).collect(Collectors.toList());
    }

    public static EventEnvelope<TenantryEvent> decode(ConsumerRecord<String, byte[]> record) {
        return CODEC.decode(record.headers(), record.value());
    }

    public static String simpleType(ConsumerRecord<String, byte[]> record) {
        String type = header(record, CloudEventCodec.CE_TYPE);
        return dev.tenantry.contracts.EventType.byType(type)
                .map(t -> t.simpleName())
                .orElse(type);
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static long queryLong(String sql, Object... params) throws SQLException {
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    public static void execute(String sql, Object... params) throws SQLException {
        try (Connection c = infra().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.execute();
        }
    }

    public static boolean schemaExists(String schema) throws SQLException {
        return queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = ?", schema) == 1;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
