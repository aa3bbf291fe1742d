package dev.tenantry.provisioning.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.provisioning.model.AcceptedTenant;
import dev.tenantry.provisioning.model.NewTenant;
import dev.tenantry.provisioning.model.StoredResponse;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantPage;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.model.TimelineEntry;
import dev.tenantry.provisioning.repository.IdempotencyRepository;
import dev.tenantry.provisioning.repository.MigrationVersionRepository;
import dev.tenantry.provisioning.repository.OutboxRepository;
import dev.tenantry.provisioning.repository.TenantRepository;
import dev.tenantry.provisioning.repository.TimelineRepository;
import dev.tenantry.support.persistence.ProcessedEvents;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.persistence.Transactions.Tx;
import dev.tenantry.support.rest.Printable;
import dev.tenantry.support.rest.Problem;
import dev.tenantry.support.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;

/**
 * Tenant requests, whichever way they arrive: REST and tenant-commands share these methods, so
 * they are validated, deduplicated (idempotency keys, command ids) and recorded the same way.
 * Every refusal is a {@link ProblemException}; the command intake turns it into a
 * TenantRequestRejected event.
 */
@ApplicationScoped
public class TenantRequests {

    private static final Logger LOG = Logger.getLogger(TenantRequests.class);
    static final String COMMANDS_CONSUMER = "provisioning-service:tenant-commands";
    private static final Pattern VERSION = Pattern.compile("^[0-9]+([._][0-9]+)*$");
    private static final Pattern PLAN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[\\x21-\\x7e]{1,255}$");
    private static final int MAX_DISPLAY_NAME = 200;
    private static final int MAX_METADATA_ENTRIES = 50;
    private static final int MAX_METADATA_KEY = 64;
    private static final int MAX_METADATA_VALUE = 1024;
    private static final String LIVE_SLUG_INDEX = "tenant_live_slug_key";
    /** request_hash of a command id whose answer was a rejection: it matches no request, and wins over any. */
    private static final String REJECTED_COMMAND = "rejected-command";

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Transactions transactions;
    private final TenantRepository tenants;
    private final TimelineRepository timeline;
    private final IdempotencyRepository idempotency;
    private final OutboxRepository outbox;
    private final MigrationVersionRepository migrationVersions;
    private final TenantSaga saga;
    private final SlugPolicy slugs;
    private final ProvisioningMetrics metrics;
    private final ProvisioningConfig config;
    private final ProcessedEvents processed = ProcessedEvents.PROVISIONING;
    private final URI source;

    public TenantRequests(
            Transactions transactions,
            TenantRepository tenants,
            TimelineRepository timeline,
            IdempotencyRepository idempotency,
            OutboxRepository outbox,
            MigrationVersionRepository migrationVersions,
            TenantSaga saga,
            SlugPolicy slugs,
            ProvisioningMetrics metrics,
            ProvisioningConfig config) {
        this.transactions = transactions;
        this.tenants = tenants;
        this.timeline = timeline;
        this.idempotency = idempotency;
        this.outbox = outbox;
        this.migrationVersions = migrationVersions;
        this.saga = saga;
        this.slugs = slugs;
        this.metrics = metrics;
        this.config = config;
        this.source = URI.create(config.eventSource());
    }

    /** An accepted request; {@code replayed} when it repeats an earlier one with the same key. */
    public record Accepted(AcceptedTenant tenant, boolean replayed) {}

    // ------------------------------------------------------------------ commands

    /**
     * Records a new tenant and starts provisioning it.
     *
     * @param idempotencyKey the client's Idempotency-Key or the command id; null for none
     * @param cause          the command that asked for it; null for REST
     */
    public Accepted create(NewTenant request, String idempotencyKey, EventEnvelope<?> cause) throws SQLException {
        NewTenant valid = validate(request);
        checkKey(idempotencyKey);
        String hash = fingerprint("create-tenant", valid);
        try {
            return transactions.inTransaction(tx -> {
                Optional<Accepted> replay = replay(tx, idempotencyKey, hash);
                if (replay.isPresent()) {
                    return replay.get();
                }
                if (tenants.isSlugTaken(tx.connection(), valid.slug())) {
                    throw slugTaken(valid.slug());
                }
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                String correlationId = cause != null
                        ? cause.correlationIdOrId()
                        : UUID.randomUUID().toString();
                Tenant requested = new Tenant(
                        UUID.randomUUID(),
                        valid.slug(),
                        valid.displayName(),
                        valid.plan(),
                        valid.metadata(),
                        TenantStatus.REQUESTED,
                        null,
                        config.tenants().initialVersion().orElse(null),
                        null,
                        null,
                        correlationId,
                        0,
                        now,
                        now,
                        now);
                Tenant started = saga.start(tx, requested, cause);
                return remember(tx, idempotencyKey, hash, started, cause != null);
            });
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())
                    && String.valueOf(e.getMessage()).contains(LIVE_SLUG_INDEX)) {
                // A concurrent request took the slug between our check and our insert.
                throw slugTaken(valid.slug());
            }
            throw e;
        }
    }

    /** Upgrades an ACTIVE tenant, or retries an UPGRADE_FAILED one, to {@code targetVersion} (null: latest). */
    public Accepted upgrade(String tenantRef, String targetVersion, String idempotencyKey, EventEnvelope<?> cause)
            throws SQLException {
        if (targetVersion != null && !VERSION.matcher(targetVersion).matches()) {
            throw ProblemException.invalidField("targetVersion", "must be a migration version like 3 or 1.2");
        }
        if (targetVersion != null) {
            checkVersionExists(targetVersion);
        }
        Map<String, Object> fingerprinted = new LinkedHashMap<>();
        fingerprinted.put("tenant", tenantRef);
        fingerprinted.put("targetVersion", targetVersion);
        return operate(
                tenantRef,
                new SagaDecisions.Upgrade(targetVersion, cause),
                idempotencyKey,
                fingerprint("upgrade-tenant", fingerprinted),
                cause != null);
    }

    /**
     * Refuses a target version no migration worker knows, so the tenant does not wait in
     * UPGRADING for an upgrade that cannot happen. When the workers have not said which versions
     * they know, the request goes ahead and the worker answers an unknown version with a failed
     * upgrade (UPGRADE_FAILED).
     */
    private void checkVersionExists(String targetVersion) throws SQLException {
        List<String> known = transactions.read(tx -> migrationVersions.knownVersions(tx.connection()));
        if (known.isEmpty()) {
            return;
        }
        MigrationVersion wanted = MigrationVersion.fromVersion(targetVersion);
        if (known.stream().noneMatch(v -> MigrationVersion.fromVersion(v).compareTo(wanted) == 0)) {
            String latest = known.stream()
                    .map(MigrationVersion::fromVersion)
                    .max(MigrationVersion::compareTo)
                    .map(MigrationVersion::getVersion)
                    .orElse(null);
            throw ProblemException.unprocessable("Version " + targetVersion
                    + " is not a tenant migration version the migration workers know (latest: " + latest + ")");
        }
    }

    /** Deletes an ACTIVE (or UPGRADE_FAILED) tenant: its schema is archived by the worker. */
    public Accepted delete(String tenantRef, String idempotencyKey, EventEnvelope<?> cause) throws SQLException {
        return operate(
                tenantRef,
                new SagaDecisions.Delete(cause),
                idempotencyKey,
                fingerprint("delete-tenant", Map.of("tenant", tenantRef)),
                cause != null);
    }

    private Accepted operate(
            String tenantRef, SagaDecisions.Input request, String idempotencyKey, String hash, boolean fromCommand)
            throws SQLException {
        checkKey(idempotencyKey);
        return transactions.inTransaction(tx -> {
            Optional<Accepted> replay = replay(tx, idempotencyKey, hash);
            if (replay.isPresent()) {
                return replay.get();
            }
            UUID id = resolve(tx, tenantRef).map(Tenant::id).orElseThrow(() -> notFound(tenantRef));
            Tenant tenant = tenants.lockById(tx.connection(), id).orElseThrow(() -> notFound(tenantRef));
            Tenant moved = saga.apply(tx, tenant, request);
            return remember(tx, idempotencyKey, hash, moved, fromCommand);
        });
    }

    /**
     * Answers a command that could not be carried out with TenantRequestRejected (through the
     * outbox), once per command event, and records that answer under the command id in the same
     * transaction: a command id, once answered, keeps its answer. The same command delivered again
     * later (a redelivery, a replayed dead letter, a resend) is refused the same way even if it
     * could be carried out by then, since its sender was already told it was rejected.
     *
     * @param commandEventId id of the Kafka record's event (or its coordinates when it had none)
     * @param refusal        why; its detail is the reason the sender reads
     */
    public void reject(
            String commandEventId,
            String correlationId,
            String commandId,
            String commandType,
            String subject,
            Problem refusal)
            throws SQLException {
        String reason = refusal.detail();
        transactions.inTransaction(tx -> {
            if (!processed.markProcessed(tx.connection(), COMMANDS_CONSUMER, commandEventId)) {
                return null;
            }
            if (commandId != null && IDEMPOTENCY_KEY.matcher(commandId).matches()) {
                // An id that is not a valid key is refused by checkKey on every delivery anyway.
                idempotency.lock(tx.connection(), commandId);
                idempotency.insertCommandAnswerIfAbsent(
                        tx.connection(),
                        commandId,
                        new StoredResponse(REJECTED_COMMAND, refusal.status(), json(refusal)));
            }
            TenantRequestRejected rejected = new TenantRequestRejected(commandId, commandType, subject, reason);
            EventEnvelope<TenantRequestRejected> created = EventEnvelope.create(source, rejected);
            EventEnvelope<TenantRequestRejected> envelope = new EventEnvelope<>(
                    created.id(),
                    created.type(),
                    created.source(),
                    created.time(),
                    created.subject(),
                    commandEventId,
                    correlationId != null ? correlationId : commandEventId,
                    rejected);
            outbox.append(tx.connection(), Topics.TENANT_LIFECYCLE, envelope);
            Optional<Tenant> tenant = subject == null ? Optional.empty() : resolve(tx, subject);
            if (tenant.isPresent()) {
                timeline.append(
                        tx.connection(),
                        tenant.get().id(),
                        "request-rejected",
                        tenant.get().status(),
                        null,
                        commandType,
                        commandId,
                        reason);
            }
            tx.afterCommit(() -> metrics.commandRejected(commandType));
            return null;
        });
        LOG.infof(
                "Rejected %s %s (%s): %s",
                Printable.of(commandType), Printable.of(commandId), Printable.of(subject), Printable.of(reason));
    }

    // ------------------------------------------------------------------ queries

    public Optional<Tenant> find(String tenantRef) throws SQLException {
        return transactions.read(tx -> resolve(tx, tenantRef));
    }

    public TenantPage list(TenantStatus status, String cursor, int limit) throws SQLException {
        return transactions.read(tx -> tenants.page(tx.connection(), status, cursor, limit));
    }

    public Optional<List<TimelineEntry>> timeline(String tenantRef) throws SQLException {
        return transactions.read(tx -> {
            Optional<Tenant> tenant = resolve(tx, tenantRef);
            return tenant.isEmpty()
                    ? Optional.empty()
                    : Optional.of(
                            timeline.forTenant(tx.connection(), tenant.get().id()));
        });
    }

    // ------------------------------------------------------------------ helpers

    /** A tenant by id or, when the reference is not a UUID, by slug (its live tenant first). */
    private Optional<Tenant> resolve(Tx tx, String tenantRef) throws SQLException {
        if (tenantRef == null || tenantRef.isBlank()) {
            return Optional.empty();
        }
        try {
            return tenants.findById(tx.connection(), UUID.fromString(tenantRef));
        } catch (IllegalArgumentException notUuid) {
            return tenants.findBySlug(tx.connection(), tenantRef);
        }
    }

    private Optional<Accepted> replay(Tx tx, String key, String hash) throws SQLException {
        if (key == null) {
            return Optional.empty();
        }
        idempotency.lock(tx.connection(), key);
        Optional<StoredResponse> stored = idempotency.find(tx.connection(), key);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (stored.get().requestHash().equals(REJECTED_COMMAND)) {
            throw new ProblemException(readStoredRefusal(stored.get()));
        }
        if (!stored.get().requestHash().equals(hash)) {
            throw new ProblemException(
                    422,
                    "idempotency-key-reused",
                    "Idempotency key reused",
                    "Idempotency key '" + key + "' was already used for a different request");
        }
        try {
            return Optional.of(new Accepted(CANONICAL.readValue(stored.get().body(), AcceptedTenant.class), true));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored response of idempotency key is not readable", e);
        }
    }

    private static Problem readStoredRefusal(StoredResponse stored) {
        try {
            return CANONICAL.readValue(stored.body(), Problem.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored refusal of a command id is not readable", e);
        }
    }

    private Accepted remember(Tx tx, String key, String hash, Tenant tenant, boolean fromCommand) throws SQLException {
        AcceptedTenant accepted = AcceptedTenant.of(tenant);
        if (key != null) {
            idempotency.insert(
                    tx.connection(), key, tenant.id(), new StoredResponse(hash, 202, json(accepted)), fromCommand);
        }
        return new Accepted(accepted, false);
    }

    private NewTenant validate(NewTenant request) {
        if (request == null) {
            throw ProblemException.badRequest("A request body is required");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        slugs.refusal(request.slug()).ifPresent(why -> errors.add(new Problem.FieldError("slug", why)));
        String displayName =
                request.displayName() == null ? null : request.displayName().strip();
        if (displayName == null || displayName.isEmpty()) {
            errors.add(new Problem.FieldError("displayName", "is required"));
        } else if (displayName.length() > MAX_DISPLAY_NAME || hasControlCharacters(displayName)) {
            errors.add(new Problem.FieldError(
                    "displayName", "must be at most " + MAX_DISPLAY_NAME + " characters without control characters"));
        }
        if (request.plan() != null && !PLAN.matcher(request.plan()).matches()) {
            errors.add(new Problem.FieldError("plan", "must match " + PLAN.pattern()));
        }
        Map<String, String> metadata = request.metadata() == null ? Map.of() : request.metadata();
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            errors.add(new Problem.FieldError("metadata", "must have at most " + MAX_METADATA_ENTRIES + " entries"));
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = entry.getKey();
            // Checked here rather than left to PostgreSQL, which refuses NUL in text: a command
            // carrying one is then rejected for what it is, not with a database error.
            if (key == null || key.isBlank() || key.length() > MAX_METADATA_KEY || hasControlCharacters(key)) {
                errors.add(new Problem.FieldError(
                        "metadata",
                        "keys must be 1 to " + MAX_METADATA_KEY + " characters without control characters"));
            } else if (entry.getValue() == null
                    || entry.getValue().length() > MAX_METADATA_VALUE
                    || hasControlCharacters(entry.getValue())) {
                errors.add(new Problem.FieldError(
                        "metadata." + key,
                        "must be a string of at most " + MAX_METADATA_VALUE
                                + " characters without control characters"));
            }
        }
        if (!errors.isEmpty()) {
            String detail = errors.stream()
                    .map(e -> e.field() + " " + e.message())
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("invalid request");
            throw new ProblemException(400, "invalid-request", "Invalid request", detail, errors);
        }
        return new NewTenant(request.slug(), displayName, request.plan(), new TreeMap<>(metadata));
    }

    private static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }

    private static void checkKey(String key) {
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ProblemException.invalidField("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
    }

    private static ProblemException slugTaken(String slug) {
        return new ProblemException(409, "slug-taken", "Slug taken", "Slug '" + slug + "' belongs to a live tenant");
    }

    private static ProblemException notFound(String tenantRef) {
        return ProblemException.notFound("No tenant " + tenantRef);
    }

    private static String fingerprint(String operation, Object request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((operation + "\n" + CANONICAL.writeValueAsString(request))
                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot fingerprint request", e);
        }
    }

    private static String json(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
