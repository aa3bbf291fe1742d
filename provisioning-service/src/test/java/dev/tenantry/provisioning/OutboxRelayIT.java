package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.TIMEOUT;
import static dev.tenantry.provisioning.ProvisioningTestSupport.header;
import static dev.tenantry.provisioning.ProvisioningTestSupport.infra;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantProvisioningStarted;
import dev.tenantry.provisioning.messaging.relay.OutboxRelay;
import dev.tenantry.provisioning.messaging.relay.OutboxRelayService;
import dev.tenantry.provisioning.messaging.relay.RelayPublication;
import dev.tenantry.provisioning.messaging.relay.RelaySettings;
import dev.tenantry.provisioning.repository.OutboxRepository;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay on its own: restarts resume from the stored offsets (nothing lost, nothing
 * repeated), of two relays only one is active, the other taking over when it stops or its whole
 * service instance is killed, and a lost
 * replication slot is recreated with every unrelayed row relayed once. Each test
 * relays on its own slot to a topic of its own.
 */
@QuarkusTest
@TestProfile(RelayDisabledProfile.class)
@WithTestResource(TenantryTestResource.class)
class OutboxRelayIT {

    private static final URI SOURCE = URI.create("urn:tenantry:relay-tests");

    @Inject
    OutboxRelayService relays;

    @Inject
    OutboxRepository outbox;

    @Inject
    Transactions transactions;

    @Test
    void aRelayRestartedWithRowsPendingRelaysEachOfThemExactlyOnce() throws Exception {
        RelaySettings settings = settings("restart");
        String topic = topicFor(settings);
        List<String> ids = new ArrayList<>();

        try (OutboxRelay first = relays.newRelay(settings)) {
            first.start();
            await().atMost(TIMEOUT).until(() -> first.role() == OutboxRelay.Role.ACTIVE);
            ids.addAll(write(topic, 5));
            awaitOnKafka(topic, ids);
        }
        ids.addAll(write(topic, 20));
        assertThat(pending(ids)).as("written while no relay runs").isEqualTo(20);

        try (OutboxRelay second = relays.newRelay(settings)) {
            second.start();
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
        }
        assertExactlyOnce(topic, ids);
        dropSlot(settings);
    }

    @Test
    void ofTwoRelaysOneIsActiveAndTheOtherTakesOverWhenItStops() throws Exception {
        RelaySettings settings = settings("failover");
        String topic = topicFor(settings);
        List<String> ids = new ArrayList<>();
        OutboxRelay a = relays.newRelay(settings);
        OutboxRelay b = relays.newRelay(settings);
        try {
            a.start();
            b.start();
            await().atMost(TIMEOUT)
                    .until(() -> a.role() == OutboxRelay.Role.ACTIVE || b.role() == OutboxRelay.Role.ACTIVE);
            OutboxRelay active = a.role() == OutboxRelay.Role.ACTIVE ? a : b;
            OutboxRelay standby = active == a ? b : a;
            assertThat(standby.role()).isEqualTo(OutboxRelay.Role.STANDBY);

            ids.addAll(write(topic, 10));
            awaitOnKafka(topic, ids);
            assertThat(standby.relayedCount()).isZero();

            active.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.role() == OutboxRelay.Role.ACTIVE);
            ids.addAll(write(topic, 10));
            awaitOnKafka(topic, ids);
            assertThat(standby.relayedCount()).isEqualTo(10);
        } finally {
            a.close();
            b.close();
        }
        assertExactlyOnce(topic, ids);
        dropSlot(settings);
    }

    @Test
    void whenTheActiveRelaysDatabaseSessionDiesTheStandbyTakesOverAndNothingIsLost() throws Exception {
        RelaySettings settings = settings("crash");
        String topic = topicFor(settings);
        List<String> ids = new ArrayList<>();
        OutboxRelay a = relays.newRelay(settings);
        OutboxRelay b = relays.newRelay(settings);
        try {
            a.start();
            b.start();
            await().atMost(TIMEOUT)
                    .until(() -> a.role() == OutboxRelay.Role.ACTIVE || b.role() == OutboxRelay.Role.ACTIVE);
            OutboxRelay active = a.role() == OutboxRelay.Role.ACTIVE ? a : b;
            OutboxRelay standby = active == a ? b : a;
            ids.addAll(write(topic, 10));
            awaitOnKafka(topic, ids);

            // As if the active instance's host vanished: its session (and with it the lock) is gone.
            ProvisioningTestSupport.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " + "WHERE application_name = ?",
                    "tenantry-relay-lock-" + active.instanceId());
            ids.addAll(write(topic, 10));
            await().atMost(Duration.ofSeconds(45)).until(() -> standby.role() == OutboxRelay.Role.ACTIVE);
            ids.addAll(write(topic, 10));
            // At least once after a crash: every event arrives (consumers drop repeats by event id).
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
        } finally {
            a.close();
            b.close();
        }
        dropSlot(settings);
    }

    /**
     * Two whole service instances (the packaged jar, as deployed); the active one is killed with
     * SIGKILL: no shutdown, its session simply vanishes. The other takes the relay over and every
     * row reaches Kafka (at least once; consumers drop repeats by event id).
     */
    @Test
    void whenTheActiveServiceInstanceIsKilledTheOtherInstanceTakesOverTheRelay() throws Exception {
        RelaySettings settings = settings("killed");
        String topic = topicFor(settings);
        List<String> sameRelay = List.of(
                "tenantry.provisioning.relay.engine-name=" + settings.engineName(),
                "tenantry.provisioning.relay.slot-name=" + settings.slotName(),
                "tenantry.provisioning.relay.publication-name=" + settings.publicationName());
        List<String> ids = new ArrayList<>();
        try (ChildServiceProcess a = ChildServiceProcess.startProvisioning("relay-a", sameRelay);
                ChildServiceProcess b = ChildServiceProcess.startProvisioning("relay-b", sameRelay)) {
            await().atMost(TIMEOUT)
                    .until(() -> relayRole(a).equals("ACTIVE") || relayRole(b).equals("ACTIVE"));
            ChildServiceProcess active = relayRole(a).equals("ACTIVE") ? a : b;
            ChildServiceProcess standby = active == a ? b : a;
            assertThat(relayRole(standby)).isEqualTo("STANDBY");
            ids.addAll(write(topic, 10));
            awaitOnKafka(topic, ids);

            active.kill();
            ids.addAll(write(topic, 10));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> relayRole(standby).equals("ACTIVE"));
            ids.addAll(write(topic, 10));
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
        }
        dropSlot(settings);
    }

    private static String relayRole(ChildServiceProcess instance) {
        return given().baseUri(instance.url())
                .header("Authorization", ProvisioningTestSupport.operator())
                .when()
                .get("/admin/relay")
                .then()
                .statusCode(200)
                .extract()
                .path("role");
    }

    @Test
    void aRelayWhoseSlotWasDroppedWhileItWasStoppedRecreatesItAndRelaysEveryPendingRowExactlyOnce() throws Exception {
        RelaySettings settings = settings("lostslot");
        String topic = topicFor(settings);
        List<String> ids = new ArrayList<>();

        try (OutboxRelay first = relays.newRelay(settings)) {
            first.start();
            await().atMost(TIMEOUT).until(() -> first.role() == OutboxRelay.Role.ACTIVE);
            ids.addAll(write(topic, 5));
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
        }
        List<String> pendingBeforeLoss = write(topic, 20);
        ids.addAll(pendingBeforeLoss);
        // The slot is lost while nothing reads it (failover to a replica without slots, an operator
        // dropping it); its stored offsets stay behind.
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            ProvisioningTestSupport.execute("SELECT pg_drop_replication_slot(?)", settings.slotName());
            return true;
        });
        assertThat(slotExists(settings)).isFalse();
        List<String> writtenWithoutSlot = write(topic, 5);
        ids.addAll(writtenWithoutSlot);
        assertThat(pending(ids)).as("unrelayed rows wait in the outbox").isEqualTo(25);

        try (OutboxRelay second = relays.newRelay(settings)) {
            second.start();
            await().atMost(TIMEOUT).until(() -> second.role() == OutboxRelay.Role.ACTIVE);
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
            // Relaying goes on normally on the new slot.
            ids.addAll(write(topic, 3));
            awaitOnKafka(topic, ids);
        }
        assertThat(slotExists(settings)).isTrue();
        assertExactlyOnce(topic, ids);
        dropSlot(settings);
    }

    @Test
    void aSlotRecreatedByHandBehindTheRelaysBackIsNoticedAndEveryPendingRowIsRelayed() throws Exception {
        RelaySettings settings = settings("handmade");
        String topic = topicFor(settings);
        List<String> ids = new ArrayList<>();

        try (OutboxRelay first = relays.newRelay(settings)) {
            first.start();
            await().atMost(TIMEOUT).until(() -> first.role() == OutboxRelay.Role.ACTIVE);
            ids.addAll(write(topic, 5));
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
        }
        ids.addAll(write(topic, 10));
        // Dropped and created again by hand: the slot exists but starts after the stored position.
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            ProvisioningTestSupport.execute("SELECT pg_drop_replication_slot(?)", settings.slotName());
            return true;
        });
        ProvisioningTestSupport.execute(
                "SELECT pg_create_logical_replication_slot(?, 'pgoutput')", settings.slotName());
        ids.addAll(write(topic, 5));

        try (OutboxRelay second = relays.newRelay(settings)) {
            second.start();
            await().atMost(TIMEOUT).until(() -> second.role() == OutboxRelay.Role.ACTIVE);
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
        }
        assertExactlyOnce(topic, ids);
        dropSlot(settings);
    }

    /**
     * PostgreSQL 17 can create a logical slot that never decodes: when DDL transactions run while
     * the slot is being created, decoding later fails on one of their tables with "could not map
     * filenumber ... to relation OID", at the same WAL record on every retry. A relay that only
     * retried would stay stuck for good, with every signup behind it. Such a slot is made here the
     * way it happens in production (the worker building spare schemas while the relay starts):
     * slots are created under DDL load until one of them fails to decode.
     */
    @Test
    void aSlotThatCannotBeDecodedIsRecreatedAndEveryPendingRowIsRelayedOnce() throws Exception {
        RelaySettings settings = settings("undecodable");
        String topic = topicFor(settings);
        RelayPublication.prepare(settings);
        ProvisioningTestSupport.execute("SELECT pg_drop_replication_slot(?)", settings.slotName());
        try (SchemaChurn churn = SchemaChurn.start(infra().dataSource(), 8)) {
            assumeTrue(createUndecodableSlot(settings), "PostgreSQL decoded every slot made under DDL load");
        }
        List<String> ids = new ArrayList<>(write(topic, 5));

        try (OutboxRelay relay = relays.newRelay(settings)) {
            relay.start();
            awaitOnKafka(topic, ids);
            await().atMost(TIMEOUT).until(() -> pending(ids) == 0);
            ids.addAll(write(topic, 3));
            awaitOnKafka(topic, ids);
        }
        assertExactlyOnce(topic, ids);
        dropSlot(settings);
    }

    /** Creates the relay's slot until a peek at its changes fails the way an undecodable slot does. */
    private static boolean createUndecodableSlot(RelaySettings settings) throws Exception {
        for (int attempt = 0; attempt < 80; attempt++) {
            ProvisioningTestSupport.execute(
                    "SELECT pg_create_logical_replication_slot(?, 'pgoutput')", settings.slotName());
            Thread.sleep(300);
            try (Connection c = infra().dataSource().getConnection();
                    PreparedStatement peek =
                            c.prepareStatement("SELECT count(*) FROM pg_logical_slot_peek_binary_changes("
                                    + "?, NULL, NULL, 'proto_version', '1', 'publication_names', ?)")) {
                peek.setString(1, settings.slotName());
                peek.setString(2, settings.publicationName());
                peek.executeQuery().close();
            } catch (java.sql.SQLException e) {
                if (String.valueOf(e.getMessage()).contains("could not map filenumber")) {
                    return true;
                }
                throw e;
            }
            ProvisioningTestSupport.execute("SELECT pg_drop_replication_slot(?)", settings.slotName());
        }
        return false;
    }

    private static boolean slotExists(RelaySettings settings) throws Exception {
        return queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", settings.slotName()) == 1;
    }

    private RelaySettings settings(String name) {
        String slot = TestNames.unique("relay_it_" + name);
        return relays.settings().withSlot("relay-it-" + slot, slot, slot);
    }

    private static String topicFor(RelaySettings settings) {
        return "relay-it." + settings.slotName();
    }

    private List<String> write(String topic, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        transactions.inTransaction(tx -> {
            for (int i = 0; i < count; i++) {
                String tenantId = UUID.randomUUID().toString();
                EventEnvelope<TenantProvisioningStarted> event = EventEnvelope.create(
                        SOURCE, new TenantProvisioningStarted(tenantId, "relayed", "tenant_relayed", null));
                outbox.append(tx.connection(), topic, event);
                ids.add(event.id());
            }
            return null;
        });
        return ids;
    }

    private static void awaitOnKafka(String topic, List<String> ids) {
        List<ConsumerRecord<String, byte[]>> got = read(
                topic,
                r -> true,
                records -> records.stream()
                        .map(r -> header(r, CloudEventCodec.CE_ID))
                        .collect(Collectors.toSet())
                        .containsAll(ids));
        assertThat(got.stream().map(r -> header(r, CloudEventCodec.CE_ID))).containsAll(ids);
    }

    private static void assertExactlyOnce(String topic, List<String> ids) {
        // Everything on the topic, read for a while: a repeat would show up as a second copy.
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<ConsumerRecord<String, byte[]>> all = read(topic, r -> true, records -> System.nanoTime() > until);
        Map<String, Long> copies = all.stream()
                .collect(Collectors.groupingBy(r -> header(r, CloudEventCodec.CE_ID), Collectors.counting()));
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(copies.values()).allMatch(n -> n == 1);
        assertThat(all).allSatisfy(r -> assertThat(r.key()).isNotBlank());
    }

    private long pending(List<String> ids) throws Exception {
        return queryLong("SELECT count(*) FROM provisioning_outbox WHERE id = ANY (?::uuid[])", (Object)
                ids.toArray(new String[0]));
    }

    private static void dropSlot(RelaySettings settings) throws Exception {
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            try (Connection c = infra().dataSource().getConnection();
                    PreparedStatement drop = c.prepareStatement(
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                drop.setString(1, settings.slotName());
                drop.execute();
            }
            return true;
        });
        ProvisioningTestSupport.execute("DROP PUBLICATION IF EXISTS " + settings.publicationName());
    }
}
