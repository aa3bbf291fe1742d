package dev.tenantry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.testinfra.Infrastructure;
import dev.tenantry.testinfra.TenantryInfrastructure;
import dev.tenantry.testinfra.TestNames;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The checker against a real database built by the services' own migrations and a real broker:
 * a consistent system passes, and each kind of damage a fault can leave is reported for what it
 * is. Each test has a database of its own; on the shared topics it judges only what it wrote.
 */
class InvariantCheckerIT {

    private static final URI SOURCE = URI.create("urn:tenantry:fault-suite-it");
    private static final CloudEventCodec CODEC = CloudEventCodec.shared();
    private static final Infrastructure INFRA = TenantryInfrastructure.get();

    private PGSimpleDataSource database;
    private InvariantChecker checker;
    private Instant since;

    @BeforeEach
    void freshSystem() throws Exception {
        String name = TestNames.unique("invariants");
        try (Connection admin = INFRA.dataSource().getConnection();
                Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        database = new PGSimpleDataSource();
        database.setURL(INFRA.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1"));
        database.setUser(INFRA.username());
        database.setPassword(INFRA.password());
        sharedSchema("provisioning-service", "provisioning");
        sharedSchema("migration-worker", "worker");
        sharedSchema("webhook-dispatcher", "dispatcher");
        checker = new InvariantChecker(database, INFRA.kafkaBootstrapServers());
        since = Instant.now();
    }

    @Test
    void aSettledConsistentSystemHasNoViolations() throws Exception {
        UUID endpoint = endpoint(null);
        UUID active = tenant("calm", "ACTIVE", "3");
        tenantSchema("tenant_calm", "3");
        UUID gone = tenant("gone", "ROLLED_BACK", null);
        // The saga records a transition that emitted nothing (COMPENSATING to ROLLED_BACK) with an empty id.
        timeline(gone, "", "");
        tenant("left", "DELETED", "3");
        tenantSchema("deleted_left_1", "3");
        String activated = publishActivated(active, "calm");
        timeline(active, "TenantActivated", activated);
        delivery(activated, endpoint, active, "delivered", 200);

        InvariantReport report = checker.check(since);

        assertThat(report.violations()).as(report.describe()).isEmpty();
        assertThat(report.tenants()).isEqualTo(3);
        assertThat(report.tenantSchemas()).isEqualTo(1);
        assertThat(report.eventsRead()).isGreaterThanOrEqualTo(1);
        assertThat(report.deliveries()).isEqualTo(1);
    }

    @Test
    void eachKindOfDamageIsReportedForWhatItIs() throws Exception {
        UUID everything = endpoint(null);
        tenantSchema("tenant_orphan", "3");
        UUID noSchema = tenant("noschema", "ACTIVE", "3");
        UUID behind = tenant("behind", "ACTIVE", "3");
        tenantSchema("tenant_behind", "2");
        UUID waiting = tenant("waiting", "PROVISIONING", null);
        UUID twice = tenant("twice", "ACTIVE", "3");
        tenantSchema("tenant_twice", "3");
        execute("INSERT INTO tenant_twice.flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) SELECT -1, version, description, type, script, "
                + "checksum, installed_by, execution_time, success FROM tenant_twice.flyway_schema_history "
                + "WHERE version = '2'");
        execute(
                "INSERT INTO provisioning_outbox (id, aggregatetype, aggregateid, type, payload, topic, ce_id, ce_type, "
                        + "ce_source, ce_time, ce_subject) VALUES (gen_random_uuid(), 'tenant', 'x', 'TenantActivated', '{}', "
                        + "'tenant-lifecycle', 'stuck-event', 't', 's', 'now', 'x')");
        String neverSent = UUID.randomUUID().toString();
        timeline(waiting, "TenantProvisioningStarted", neverSent);
        String unqueued = publishActivated(twice, "twice");
        String pendingEvent = publishActivated(behind, "behind");
        delivery(pendingEvent, everything, behind, "pending", null);
        String sentTwice = publishActivated(noSchema, "noschema");
        UUID twiceDelivered = delivery(sentTwice, everything, noSchema, "delivered", 200);
        attempt(twiceDelivered, 2, 200);
        String letter = deadLetter("tenant-commands.fault-suite-it.dlq", "permanent failure: a fault");

        InvariantReport report = checker.check(since, dead -> false);

        assertThat(report.violations())
                .as(report.describe())
                .containsExactlyInAnyOrder(
                        new Violation(
                                InvariantRule.ORPHAN_TENANT_SCHEMA,
                                "tenant_orphan",
                                "no live tenant in the registry has this schema"),
                        new Violation(
                                InvariantRule.ACTIVE_TENANT_WITHOUT_SCHEMA,
                                noSchema.toString(),
                                "ACTIVE, but schema tenant_noschema does not exist"),
                        new Violation(
                                InvariantRule.ACTIVE_TENANT_AT_WRONG_VERSION,
                                behind.toString(),
                                "registry says 3, tenant_behind's history ends at 2"),
                        new Violation(
                                InvariantRule.TENANT_NOT_SETTLED,
                                waiting.toString(),
                                "still PROVISIONING (slug waiting)"),
                        report.violations().stream()
                                .filter(v -> v.rule() == InvariantRule.OUTBOX_NOT_RELAYED)
                                .findFirst()
                                .orElse(new Violation(InvariantRule.OUTBOX_NOT_RELAYED, "missing", "")),
                        new Violation(
                                InvariantRule.MIGRATION_APPLIED_TWICE, "tenant_twice", "version 2 applied 2 times"),
                        new Violation(
                                InvariantRule.EMITTED_EVENT_MISSING,
                                neverSent,
                                "TenantProvisioningStarted of tenant " + waiting
                                        + " is in its timeline but on no topic"),
                        new Violation(
                                InvariantRule.WEBHOOK_NOT_QUEUED,
                                unqueued,
                                "tenantry.tenant.activated.v1 of tenant " + twice + " has no delivery to endpoint "
                                        + everything),
                        report.violations().stream()
                                .filter(v -> v.rule() == InvariantRule.WEBHOOK_NOT_SETTLED)
                                .findFirst()
                                .orElse(new Violation(InvariantRule.WEBHOOK_NOT_SETTLED, "missing", "")),
                        new Violation(
                                InvariantRule.WEBHOOK_SENT_TWICE,
                                twiceDelivered.toString(),
                                "event " + sentTwice + " sent to endpoint " + everything
                                        + " again after a successful attempt"),
                        new Violation(
                                InvariantRule.UNEXPLAINED_DEAD_LETTER,
                                letter,
                                "a record from tenant-commands: permanent failure: a fault"));
        assertThat(report.countsByRule())
                .containsEntry(InvariantRule.OUTBOX_NOT_RELAYED, 1L)
                .containsEntry(InvariantRule.WEBHOOK_NOT_SETTLED, 1L);
        // A scenario that injected the fault says so, and the letter is no longer a violation.
        assertThat(checker.check(since, dead -> dead.reason().contains("a fault"))
                        .countsByRule())
                .doesNotContainKey(InvariantRule.UNEXPLAINED_DEAD_LETTER);
    }

    @Test
    void anEndpointCreatedAfterAnEventOrFilteredAwayNeedNotHaveIt() throws Exception {
        UUID tenant = tenant("filtered", "ACTIVE", "3");
        tenantSchema("tenant_filtered", "3");
        endpoint(List.of(UUID.randomUUID().toString()));
        String activated = publishActivated(tenant, "filtered");
        timeline(tenant, "TenantActivated", activated);
        Thread.sleep(5);
        endpoint(null);

        InvariantReport report = checker.check(since);

        assertThat(report.violations()).as(report.describe()).isEmpty();
    }

    private void sharedSchema(String module, String name) {
        Flyway.configure()
                .dataSource(database)
                .locations("filesystem:../" + module + "/src/main/resources/db/" + name)
                .table(name + "_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    private void tenantSchema(String schema, String version) {
        Flyway.configure()
                .dataSource(database)
                .schemas(schema)
                .createSchemas(true)
                .locations("filesystem:../migration-worker/src/main/resources/db/tenant")
                .target(version)
                .load()
                .migrate();
    }

    private UUID tenant(String slug, String status, String version) throws Exception {
        UUID id = UUID.randomUUID();
        execute(
                "INSERT INTO tenant (id, slug, display_name, status, current_version, correlation_id) "
                        + "VALUES (?::uuid, ?, ?, ?, ?, ?)",
                id.toString(),
                slug,
                slug,
                status,
                version,
                id.toString());
        return id;
    }

    private void timeline(UUID tenant, String eventType, String eventId) throws Exception {
        execute(
                "INSERT INTO tenant_timeline (tenant_id, kind, to_status, event_type, event_id) "
                        + "VALUES (?::uuid, 'transition', 'ACTIVE', ?, ?)",
                tenant.toString(),
                eventType,
                eventId);
    }

    private UUID endpoint(List<String> tenantIds) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = database.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO webhook_endpoint (id, url, tenant_ids) VALUES (?, 'https://receiver.example/hook', ?)")) {
            insert.setObject(1, id);
            insert.setArray(2, tenantIds == null ? null : c.createArrayOf("text", tenantIds.toArray()));
            insert.executeUpdate();
        }
        return id;
    }

    private UUID delivery(String eventId, UUID endpoint, UUID tenant, String status, Integer response)
            throws Exception {
        UUID id = UUID.randomUUID();
        execute(
                "INSERT INTO webhook_delivery (id, event_id, endpoint_id, tenant_id, event_type, payload, status) "
                        + "VALUES (?::uuid, ?, ?::uuid, ?, 'tenantry.tenant.activated.v1', '{}', ?)",
                id.toString(),
                eventId,
                endpoint.toString(),
                tenant.toString(),
                status);
        if (response != null) {
            attempt(id, 1, response);
        }
        return id;
    }

    private void attempt(UUID delivery, int number, int response) throws Exception {
        execute(
                "INSERT INTO webhook_attempt (delivery_id, attempt_number, attempted_at, response_status, duration_ms) "
                        + "VALUES (?::uuid, " + number + ", now(), " + response + ", 5)",
                delivery.toString());
    }

    private String publishActivated(UUID tenant, String slug) throws Exception {
        EventEnvelope<TenantActivated> event =
                EventEnvelope.create(SOURCE, new TenantActivated(tenant.toString(), slug, "tenant_" + slug, "3"));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(CODEC.toRecord(Topics.TENANT_LIFECYCLE, event)).get();
        }
        return event.id();
    }

    private String deadLetter(String topic, String reason) throws Exception {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, "key", "garbage".getBytes(StandardCharsets.UTF_8));
        record.headers().add("dlq-reason", reason.getBytes(StandardCharsets.UTF_8));
        record.headers().add("dlq-original-topic", Topics.TENANT_COMMANDS.getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            var sent = producer.send(record).get();
            return topic + "/" + sent.partition() + "@" + sent.offset();
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties config = new Properties();
        config.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                INFRA.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"));
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private void execute(String sql, String... parameters) throws Exception {
        try (Connection c = database.getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }
}
