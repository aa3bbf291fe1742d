package dev.tenantry.dispatcher.repository;

import dev.tenantry.dispatcher.model.ClaimedDelivery;
import dev.tenantry.dispatcher.model.Delivery;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import dev.tenantry.dispatcher.model.Page;
import dev.tenantry.support.persistence.PageCursor;
import dev.tenantry.support.persistence.ProcessedEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Deliveries: the queue the engine claims from, and the history operators read. Scheduling
 * times come from the database clock ({@code now()}), so instances with skewed clocks agree on
 * what is due.
 */
@ApplicationScoped
public class DeliveryRepository {

    /** "delivering" is not stored: it is a pending delivery whose claim's lease has not run out. */
    static final String STATUS = """
            CASE WHEN d.status = 'pending' AND d.lease_until > now() THEN 'delivering' ELSE d.status END""";
    /*
     * "Pending", written so that the planner cannot use the partial due index (WHERE status =
     * 'pending') for it. Measured: after a burst of intake the statistics still say "few pending
     * rows", and statements that pick rows by id then walked the whole due index instead of looking
     * the ids up in the primary key. status is NOT NULL: coalesce changes nothing but the plan.
     */
    private static final String PENDING_BY_ID = "coalesce(d.status, '') = 'pending'";
    private static final String NOT_LEASED = "(d.lease_until IS NULL OR d.lease_until <= now())";
    private static final String COLUMNS = """
            d.id, d.event_id, d.endpoint_id, d.tenant_id, d.event_type, %s AS status, d.attempt_count,
            d.next_attempt_at, d.last_attempt_at, d.last_response_status, d.last_error, d.created_at, d.delivered_at
            """.formatted(STATUS);

    /*
     * Intake in one statement (one round trip, atomic on its own): the event id goes into the
     * consumer's message log, and only if it was not there yet, one delivery per matching enabled
     * endpoint is queued; an event read again adds nothing (message log, and unique event id +
     * endpoint). The message log's own statement, composed with the insert, so that it needs no
     * begin and commit round trips.
     */
    private static final String QUEUE_EVENT =
            "WITH first_time AS (" + ProcessedEvents.DISPATCHER.firstTimeStatement() + "),\n" + """
            queued AS (
                INSERT INTO webhook_delivery (id, event_id, endpoint_id, tenant_id, event_type, payload, status,
                                              next_attempt_at, created_at)
                SELECT gen_random_uuid(), ?, e.id, ?, ?, ?, 'pending', now() + ? * interval '1 millisecond', now()
                  FROM webhook_endpoint e
                 WHERE EXISTS (SELECT 1 FROM first_time)
                   AND e.enabled
                   AND (e.event_types IS NULL OR ? = ANY (e.event_types))
                   AND (e.tenant_ids IS NULL OR ? = ANY (e.tenant_ids))
                ON CONFLICT (event_id, endpoint_id) DO NOTHING
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM first_time) AS first_time, (SELECT count(*) FROM queued) AS queued
            """;
    private static final String INSERT_CLAIMED = """
            INSERT INTO webhook_delivery (id, event_id, endpoint_id, tenant_id, event_type, payload, status,
                                          next_attempt_at, lease_until, claim_token, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', now(), now() + ? * interval '1 millisecond', ?, now())
            """;
    /*
     * Due: pending, its time has come, and not leased (or the lease ran out: a crashed instance).
     * At most "free" deliveries per endpoint (rank within the endpoint), and only the rows taken
     * are locked; rows another instance holds are skipped, never waited for. The lease condition
     * is checked again on the locked row version, so a claim committed meanwhile is not taken twice.
     * The claim also moves next_attempt_at to the end of the lease: a claimed row leaves the head of
     * the due index, so the next claim does not walk over every delivery in flight. Rows are
     * locked and updated by id (id = ANY(ARRAY(...))): joined to the candidates instead, the
     * planner may read every pending row through the partial index on each claim.
     */
    private static final String CLAIM = """
            WITH room (endpoint_id, free) AS (SELECT * FROM unnest(?::uuid[], ?::int[])),
            candidates AS (
                SELECT d.id, d.next_attempt_at, coalesce(r.free, ?) AS free,
                       row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS place
                  FROM (SELECT d.id, d.endpoint_id, d.next_attempt_at
                          FROM webhook_delivery d
                         WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND %1$s
                           AND d.endpoint_id <> ALL (?)
                         ORDER BY d.next_attempt_at
                         LIMIT ?) d
                  JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled
                  LEFT JOIN room r ON r.endpoint_id = d.endpoint_id
            ),
            chosen AS (
                SELECT d.id
                  FROM webhook_delivery d
                 WHERE d.id = ANY (ARRAY(SELECT c.id FROM candidates c WHERE c.place <= c.free
                                          ORDER BY c.next_attempt_at LIMIT ?))
                   AND %2$s AND %1$s
                   FOR UPDATE OF d SKIP LOCKED
            )
            UPDATE webhook_delivery d
               SET lease_until = now() + ? * interval '1 millisecond', next_attempt_at = now() + ? * interval '1 millisecond',
                   claim_token = ?
              FROM webhook_endpoint e
             WHERE d.id = ANY (ARRAY(SELECT id FROM chosen)) AND e.id = d.endpoint_id
            RETURNING d.id, d.event_id, d.endpoint_id, e.url, d.payload, d.attempt_count, d.schedule_position,
                      ARRAY(SELECT s.version FROM webhook_secret s
                             WHERE s.endpoint_id = d.endpoint_id AND (s.valid_until IS NULL OR s.valid_until > now())
                             ORDER BY s.version DESC) AS signing_versions
            """.formatted(NOT_LEASED, PENDING_BY_ID);
    /*
     * Measured: right after a burst of intake the table's statistics still say "few due rows", and
     * the planner then reads the whole due queue (bitmap or sequential scan) and sorts it, on every
     * claim: tens of ms with 10,000 queued. Walking the due index in order stops after the rows it
     * needs, and marks dead entries as it goes. The settings are local to the transaction; both
     * statements go in one round trip and one transaction (an implicit one under autocommit).
     */
    private static final String PLANNED_CLAIM =
            "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true);\n" + CLAIM;
    // Only the claim that is still current may move the delivery on; an attempt is logged either way.
    // The ids are given twice: "d.id = ANY" steers the planner to the primary key.
    static final String RECORD_OUTCOMES = """
            UPDATE webhook_delivery d
               SET status = u.status,
                   attempt_count = d.attempt_count + 1,
                   schedule_position = d.schedule_position + 1,
                   next_attempt_at = CASE WHEN u.status = 'pending' THEN now() + u.delay_ms * interval '1 millisecond' END,
                   lease_until = NULL,
                   claim_token = NULL,
                   last_attempt_at = to_timestamp(u.at_ms / 1000.0),
                   last_response_status = u.response_status,
                   last_error = u.error,
                   delivered_at = CASE WHEN u.status = 'delivered' THEN to_timestamp(u.at_ms / 1000.0) END
              FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::text[])
                   AS u(id, token, status, delay_ms, at_ms, response_status, error)
             WHERE d.id = ANY (?::uuid[]) AND d.id = u.id AND d.claim_token = u.token AND %s
            RETURNING d.id
            """.formatted(PENDING_BY_ID);
    // Deliveries with a request in flight are left alone: their outcome is written, then swept.
    private static final String FAIL_PENDING_OF_ENDPOINT = """
            UPDATE webhook_delivery d SET status = 'failed', next_attempt_at = NULL, last_error = ?
             WHERE d.endpoint_id = ? AND d.status = 'pending' AND %s
            """.formatted(NOT_LEASED);
    private static final String FAIL_PENDING_OF_DISABLED = """
            UPDATE webhook_delivery d
               SET status = 'failed', next_attempt_at = NULL, last_error = 'endpoint disabled: ' || e.disabled_reason
              FROM webhook_endpoint e
             WHERE e.id = d.endpoint_id AND NOT e.enabled AND d.status = 'pending' AND %s
            """.formatted(NOT_LEASED);
    private static final String REQUEUE = """
            UPDATE webhook_delivery d
               SET status = 'pending', next_attempt_at = now(), schedule_position = 0, lease_until = NULL,
                   claim_token = NULL
             WHERE d.id = ? AND NOT (d.status = 'pending' AND d.lease_until > now())
            RETURNING\s""" + COLUMNS;
    private static final String REQUEUE_FAILED = """
            UPDATE webhook_delivery
               SET status = 'pending', next_attempt_at = now(), schedule_position = 0, lease_until = NULL,
                   claim_token = NULL
             WHERE endpoint_id = ? AND status = 'failed' AND created_at >= ?
            """;
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM webhook_delivery d WHERE d.id = ?";
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM webhook_delivery d
            WHERE (?::text IS NULL OR (%s) = ?::text)
              AND (?::uuid IS NULL OR d.endpoint_id = ?::uuid)
              AND (?::text IS NULL OR d.tenant_id = ?::text)
              AND (?::timestamptz IS NULL OR d.created_at >= ?::timestamptz)
              AND (?::timestamptz IS NULL OR (d.created_at, d.id) < (?::timestamptz, ?::uuid))
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT ?
            """.formatted(STATUS);
    private static final String DUE_STATS = """
            SELECT count(*) AS due, min(d.next_attempt_at) AS oldest
              FROM webhook_delivery d
             WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND %s
            """.formatted(NOT_LEASED);
    private static final String PAYLOAD = "SELECT payload FROM webhook_delivery WHERE id = ?";

    /** The outcome of one attempt, for the delivery it belongs to. */
    public record Outcome(
            UUID deliveryId,
            long claimToken,
            DeliveryStatus status,
            Duration nextDelay,
            Instant attemptedAt,
            Integer responseStatus,
            String error) {}

    /**
     * What a claim took, with the secret versions that sign for each endpoint (newest first), read
     * in the same statement: a claim is one round trip and commits on its own.
     */
    public record Claim(List<ClaimedDelivery> deliveries, Map<UUID, List<Integer>> signingVersions) {}

    /** How many deliveries are due and since when the oldest has been waiting. */
    public record DueStats(long due, Instant oldestDueSince) {}

    /** Filters of the delivery list; null = any. {@code after}: the page continues after this position. */
    public record Filter(
            DeliveryStatus status, UUID endpointId, String tenantId, Instant since, PageCursor after, int limit) {}

    /** What intake did with an event: seen before (nothing queued), or how many deliveries it queued. */
    public record Intake(boolean seenBefore, int queued) {}

    /** Records {@code eventId} in {@code consumer}'s message log and, the first time only, queues its deliveries. */
    public Intake queueEvent(
            Connection connection,
            String consumer,
            String eventId,
            String tenantId,
            String eventType,
            String payload,
            Duration initialDelay)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(QUEUE_EVENT)) {
            insert.setString(1, consumer);
            insert.setString(2, eventId);
            insert.setString(3, eventId);
            insert.setString(4, tenantId);
            insert.setString(5, eventType);
            insert.setString(6, payload);
            insert.setLong(7, initialDelay.toMillis());
            insert.setString(8, eventType);
            insert.setString(9, tenantId);
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return new Intake(rows.getInt("first_time") == 0, rows.getInt("queued"));
            }
        }
    }

    /** A delivery created already claimed by the caller (a ping sent at once). */
    public void insertClaimed(
            Connection connection, ClaimedDelivery delivery, String tenantId, String eventType, Duration lease)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_CLAIMED)) {
            insert.setObject(1, delivery.id());
            insert.setString(2, delivery.eventId());
            insert.setObject(3, delivery.endpointId());
            insert.setString(4, tenantId);
            insert.setString(5, eventType);
            insert.setString(6, delivery.payload());
            insert.setLong(7, lease.toMillis());
            insert.setLong(8, delivery.claimToken());
            insert.executeUpdate();
        }
    }

    /**
     * Claims due deliveries for this instance, at most {@code perEndpoint} minus what
     * {@code busy} says is already in flight for each endpoint. One round trip; it commits on its
     * own under autocommit.
     *
     * @param excluded endpoints that have no room at all (they are not even read)
     */
    public Claim claim(
            Connection connection,
            int limit,
            Collection<UUID> excluded,
            Map<UUID, Integer> busy,
            int perEndpoint,
            Duration lease,
            long claimToken)
            throws SQLException {
        UUID[] endpoints = busy.keySet().toArray(UUID[]::new);
        Integer[] free = new Integer[endpoints.length];
        for (int i = 0; i < endpoints.length; i++) {
            free[i] = Math.max(0, perEndpoint - busy.get(endpoints[i]));
        }
        try (PreparedStatement claim = connection.prepareStatement(PLANNED_CLAIM)) {
            claim.setArray(1, connection.createArrayOf("uuid", endpoints));
            claim.setArray(2, connection.createArrayOf("int4", free));
            claim.setInt(3, perEndpoint);
            claim.setArray(4, connection.createArrayOf("uuid", excluded.toArray()));
            // Read more than we take: the head of the queue may belong to one busy endpoint.
            claim.setInt(5, limit * 4);
            claim.setInt(6, limit);
            claim.setLong(7, lease.toMillis());
            claim.setLong(8, lease.toMillis());
            claim.setLong(9, claimToken);
            // First result: the planner settings; then the claimed rows.
            claim.execute();
            if (!claim.getMoreResults()) {
                throw new SQLException("the claim returned no rows result");
            }
            List<ClaimedDelivery> claimed = new ArrayList<>(limit);
            Map<UUID, List<Integer>> versions = new HashMap<>();
            try (ResultSet rows = claim.getResultSet()) {
                while (rows.next()) {
                    UUID endpointId = rows.getObject("endpoint_id", UUID.class);
                    claimed.add(new ClaimedDelivery(
                            rows.getObject("id", UUID.class),
                            rows.getString("event_id"),
                            endpointId,
                            rows.getString("url"),
                            rows.getString("payload"),
                            rows.getInt("attempt_count"),
                            rows.getInt("schedule_position"),
                            claimToken));
                    if (!versions.containsKey(endpointId)) {
                        Integer[] signing =
                                (Integer[]) rows.getArray("signing_versions").getArray();
                        versions.put(endpointId, List.of(signing));
                    }
                }
            }
            return new Claim(claimed, versions);
        }
    }

    /** Binds the parameters of {@link #RECORD_OUTCOMES} from {@code first} on; returns the next parameter index. */
    static int bindOutcomes(Connection connection, PreparedStatement update, int first, List<Outcome> outcomes)
            throws SQLException {
        int n = outcomes.size();
        UUID[] ids = new UUID[n];
        Long[] tokens = new Long[n];
        String[] statuses = new String[n];
        Long[] delays = new Long[n];
        Long[] times = new Long[n];
        Integer[] responseStatuses = new Integer[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            Outcome o = outcomes.get(i);
            ids[i] = o.deliveryId();
            tokens[i] = o.claimToken();
            statuses[i] = o.status().dbValue();
            delays[i] = o.nextDelay() == null ? 0L : o.nextDelay().toMillis();
            times[i] = o.attemptedAt().toEpochMilli();
            responseStatuses[i] = o.responseStatus();
            errors[i] = Jdbc.safeText(o.error());
        }
        update.setArray(first, connection.createArrayOf("uuid", ids));
        update.setArray(first + 1, connection.createArrayOf("bigint", tokens));
        update.setArray(first + 2, connection.createArrayOf("text", statuses));
        update.setArray(first + 3, connection.createArrayOf("bigint", delays));
        update.setArray(first + 4, connection.createArrayOf("bigint", times));
        update.setArray(first + 5, connection.createArrayOf("int4", responseStatuses));
        update.setArray(first + 6, connection.createArrayOf("text", errors));
        // The ids again, as a condition the primary key answers (never a scan of all pending rows).
        update.setArray(first + 7, connection.createArrayOf("uuid", ids));
        return first + 8;
    }

    static Set<UUID> movedIds(PreparedStatement statement) throws SQLException {
        Set<UUID> moved = new HashSet<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                moved.add(rows.getObject(1, UUID.class));
            }
        }
        return moved;
    }

    public int failPendingOfEndpoint(Connection connection, UUID endpointId, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(FAIL_PENDING_OF_ENDPOINT)) {
            update.setString(1, "endpoint disabled: " + reason);
            update.setObject(2, endpointId);
            return update.executeUpdate();
        }
    }

    /** Fails what is still queued for disabled endpoints (attempts that were in flight when they were disabled). */
    public int failPendingOfDisabledEndpoints(Connection connection) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(FAIL_PENDING_OF_DISABLED)) {
            return update.executeUpdate();
        }
    }

    /** Makes a delivery due now with a fresh retry schedule, unless an attempt is in flight. */
    public Optional<Delivery> requeue(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(REQUEUE)) {
            update.setObject(1, id);
            try (ResultSet rows = update.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    public int requeueFailed(Connection connection, UUID endpointId, Instant since) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(REQUEUE_FAILED)) {
            update.setObject(1, endpointId);
            update.setTimestamp(2, Jdbc.timestamp(since));
            return update.executeUpdate();
        }
    }

    public Optional<Delivery> find(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_ID)) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    public Optional<String> payload(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(PAYLOAD)) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /** Deliveries newest first, a page of them. */
    public Page<Delivery> list(Connection connection, Filter filter) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LIST)) {
            String status = filter.status() == null ? null : filter.status().dbValue();
            select.setString(1, status);
            select.setString(2, status);
            select.setObject(3, filter.endpointId());
            select.setObject(4, filter.endpointId());
            select.setString(5, filter.tenantId());
            select.setString(6, filter.tenantId());
            select.setTimestamp(7, Jdbc.timestamp(filter.since()));
            select.setTimestamp(8, Jdbc.timestamp(filter.since()));
            PageCursor after = filter.after();
            select.setTimestamp(9, after == null ? null : Jdbc.timestamp(after.createdAt()));
            select.setTimestamp(10, after == null ? null : Jdbc.timestamp(after.createdAt()));
            select.setObject(11, after == null ? null : after.id());
            select.setInt(12, filter.limit() + 1);
            List<Delivery> deliveries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    deliveries.add(map(rows));
                }
            }
            if (deliveries.size() <= filter.limit()) {
                return new Page<>(deliveries, null);
            }
            Delivery last = deliveries.get(filter.limit() - 1);
            return new Page<>(
                    List.copyOf(deliveries.subList(0, filter.limit())),
                    new PageCursor(last.createdAt(), last.id()).encode());
        }
    }

    public DueStats dueStats(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(DUE_STATS);
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return new DueStats(rows.getLong("due"), Jdbc.instant(rows, "oldest"));
        }
    }

    private static Delivery map(ResultSet rows) throws SQLException {
        return new Delivery(
                rows.getObject("id", UUID.class),
                rows.getString("event_id"),
                rows.getObject("endpoint_id", UUID.class),
                rows.getString("tenant_id"),
                rows.getString("event_type"),
                DeliveryStatus.fromDb(rows.getString("status")),
                rows.getInt("attempt_count"),
                Jdbc.instant(rows, "next_attempt_at"),
                Jdbc.instant(rows, "last_attempt_at"),
                Jdbc.nullableInt(rows, "last_response_status"),
                rows.getString("last_error"),
                Jdbc.instant(rows, "created_at"),
                Jdbc.instant(rows, "delivered_at"));
    }
}
