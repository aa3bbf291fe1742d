package dev.tenantry.provisioning.messaging.relay;

import dev.tenantry.contracts.CloudEventCodec;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Moves outbox rows to Kafka with the Debezium embedded engine (pgoutput, outbox EventRouter).
 *
 * <p>Exactly one relay runs across replicas: each instance holds a PostgreSQL session advisory
 * lock on a dedicated connection while its engine runs; the others are standbys that try to take
 * the lock every {@link RelaySettings#standbyRetryInterval()}. When the active one dies its
 * session ends, the lock is free, and a standby takes over from the shared offsets. A relay that
 * loses its lock connection stops its engine at once.
 *
 * <p>A record is acknowledged to Debezium only after Kafka acknowledged it and its outbox row was
 * deleted, so the replication position never passes a row that is still in the table.
 */
public final class OutboxRelay implements AutoCloseable {

    /** What this instance is doing. STARTING and ACTIVE hold the lock; STANDBY waits for it. */
    public enum Role {
        STARTING,
        STANDBY,
        ACTIVE,
        STOPPED
    }

    /** Publishes one record and returns once Kafka has acknowledged it; throws if it did not. */
    @FunctionalInterface
    public interface Publisher {
        /** Publishes the records in order; returns once Kafka acknowledged all of them, throws otherwise. */
        void publishAll(List<ProducerRecord<String, byte[]>> records);
    }

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration LOCK_CHECK = Duration.ofSeconds(1);

    private final RelaySettings settings;
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private final Publisher publisher;
    private final Consumer<Duration> relayedListener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Role role = Role.STANDBY;
    private volatile boolean stopping;
    private volatile String lastError;
    private volatile long relayedCount;
    private volatile Thread thread;
    /** Set when the engine stopped because PostgreSQL cannot decode the slot: the next start recreates it. */
    private volatile boolean slotUndecodable;

    private final RelayedRowCleanup cleanup;

    public OutboxRelay(RelaySettings settings, Publisher publisher, Consumer<Duration> relayedListener) {
        this.settings = settings;
        this.publisher = publisher;
        this.relayedListener = relayedListener == null ? d -> {} : relayedListener;
        this.cleanup = new RelayedRowCleanup(settings.outboxTable(), () -> open("cleanup"));
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("relay already started");
        }
        thread = new Thread(this::run, "outbox-relay-" + settings.engineName());
        thread.setDaemon(true);
        thread.setContextClassLoader(OutboxRelay.class.getClassLoader());
        thread.start();
    }

    /** Names this instance's database sessions ({@code application_name tenantry-relay-lock-<id>}). */
    public String instanceId() {
        return instanceId;
    }

    public Role role() {
        return role;
    }

    public String lastError() {
        return lastError;
    }

    /** Outbox events this instance has relayed since it started. */
    public long relayedCount() {
        return relayedCount;
    }

    public RelaySettings settings() {
        return settings;
    }

    /** Stops the engine (committing its offsets) and releases the lock. */
    @Override
    public void close() {
        stopping = true;
        Thread running = thread;
        if (running == null) {
            return;
        }
        running.interrupt();
        try {
            if (!stopped.await(60, TimeUnit.SECONDS)) {
                LOG.warnf("Relay %s did not stop within 60 s", settings.engineName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ lock, then engine

    private void run() {
        try {
            while (!stopping) {
                try (Connection lock = open("lock")) {
                    while (!stopping && !tryLock(lock)) {
                        role = Role.STANDBY;
                        pause(settings.standbyRetryInterval());
                    }
                    if (stopping) {
                        break;
                    }
                    role = Role.STARTING;
                    LOG.infof(
                            "Relay %s took the relay lock; starting Debezium on slot %s",
                            settings.engineName(), settings.slotName());
                    if (slotUndecodable) {
                        ReplicationSlotRecovery.recreateUndecodable(lock, settings);
                        slotUndecodable = false;
                    }
                    RelayPublication.prepare(lock, settings);
                    relayWhileHoldingLock(lock);
                } catch (Exception e) {
                    if (stopping) {
                        break;
                    }
                    lastError = String.valueOf(e.getMessage());
                    LOG.warnf(
                            e,
                            "Relay %s stopped relaying; retrying in %s",
                            settings.engineName(),
                            settings.restartBackoff());
                    role = Role.STANDBY;
                    pause(settings.restartBackoff());
                }
            }
        } finally {
            cleanup.close();
            role = Role.STOPPED;
            stopped.countDown();
            LOG.infof("Relay %s stopped", settings.engineName());
        }
    }

    private void relayWhileHoldingLock(Connection lock) throws Exception {
        CountDownLatch engineDone = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class, Json.class, Json.class)
                .using(RelayEngineProperties.of(settings))
                .using(OutboxRelay.class.getClassLoader())
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        role = Role.ACTIVE;
                        lastError = null;
                        LOG.infof("Relay %s is active", settings.engineName());
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        failure.set(message + (error == null ? "" : ": " + error));
                        slotUndecodable = ReplicationSlotRecovery.isUndecodable(error);
                    }
                    engineDone.countDown();
                })
                .notifying(this::handleBatch)
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "outbox-relay-engine-" + settings.engineName());
            t.setDaemon(true);
            t.setContextClassLoader(OutboxRelay.class.getClassLoader());
            return t;
        });
        executor.execute(engine);
        try {
            while (!stopping) {
                if (engineDone.await(LOCK_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(
                            "Debezium engine stopped: " + (failure.get() == null ? "no reason given" : failure.get()));
                }
                if (!lock.isValid(2)) {
                    throw new SQLException("lost the connection that holds the relay lock");
                }
            }
        } catch (InterruptedException e) {
            if (!stopping) {
                throw e;
            }
        } finally {
            closeEngine(engine, engineDone);
            executor.shutdownNow();
        }
    }

    private void closeEngine(DebeziumEngine<?> engine, CountDownLatch engineDone) {
        try {
            engine.close();
            Thread.interrupted(); // the wait below must not be cut short by our own stop signal
            if (!engineDone.await(30, TimeUnit.SECONDS)) {
                LOG.warnf("Debezium engine of relay %s did not stop within 30 s", settings.engineName());
            }
        } catch (IOException e) {
            LOG.warnf(e, "Closing the Debezium engine of relay %s failed", settings.engineName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ records

    /**
     * Publishes the batch, deletes the published rows, and only then acknowledges the records to
     * Debezium: a row whose offset is committed is on Kafka and gone from the table. Any failure
     * leaves the batch unacknowledged, so it is relayed again (consumers drop repeats by event id).
     */
    private void handleBatch(
            List<ChangeEvent<String, String>> records,
            DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException {
        List<UUID> relayed = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
        List<String> createdAt = new ArrayList<>();
        for (ChangeEvent<String, String> change : records) {
            var outgoing = OutboxRecords.toKafka(change);
            if (outgoing.isPresent()) {
                batch.add(outgoing.get().record());
                relayed.add(UUID.fromString(outgoing.get().id()));
                createdAt.add(outgoing.get().time());
            }
        }
        publisher.publishAll(batch);
        createdAt.forEach(time -> relayedListener.accept(sinceCreation(time)));
        cleanup.delete(relayed);
        for (ChangeEvent<String, String> change : records) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
        relayedCount += relayed.size();
    }

    /**
     * The relay's own bookkeeping (offsets, deletes of relayed rows) does not wait for synchronous
     * standbys: losing such a write in a failover only means rows relayed again, which consumers
     * drop by event id, while waiting would stop the relay whenever a standby lags.
     */
    static void commitLocally(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = local");
        }
    }

    private static Duration sinceCreation(String ceTime) {
        try {
            return Duration.between(
                    CloudEventCodec.parseTime(ceTime).toInstant(),
                    OffsetDateTime.now().toInstant());
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }

    // ------------------------------------------------------------------ PostgreSQL

    private boolean tryLock(Connection lock) throws SQLException {
        try (PreparedStatement statement =
                lock.prepareStatement("SELECT pg_try_advisory_lock(hashtext('tenantry-outbox-relay'), hashtext(?))")) {
            statement.setString(1, settings.slotName());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private Connection open(String purpose) throws SQLException {
        Properties props = new Properties();
        if (settings.user() != null) {
            props.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            props.setProperty("password", settings.password());
        }
        props.setProperty("ApplicationName", "tenantry-relay-" + purpose + "-" + instanceId);
        // A dead peer must be noticed: the lock connection is checked every second.
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("socketTimeout", "30");
        Connection connection = DriverManager.getConnection(settings.jdbcUrl(), props);
        connection.setAutoCommit(true);
        return connection;
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            if (!stopping) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
