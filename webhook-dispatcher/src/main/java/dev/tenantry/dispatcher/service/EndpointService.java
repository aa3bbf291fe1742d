package dev.tenantry.dispatcher.service;

import dev.tenantry.contracts.EventType;
import dev.tenantry.contracts.Topics;
import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import dev.tenantry.dispatcher.model.EndpointSpec;
import dev.tenantry.dispatcher.model.Page;
import dev.tenantry.dispatcher.model.WebhookEndpoint;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.EndpointRepository;
import dev.tenantry.dispatcher.repository.SecretRepository;
import dev.tenantry.support.persistence.PageCursor;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.rest.Problem;
import dev.tenantry.support.rest.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** Registers, changes and removes endpoints, and rotates their secrets. */
@ApplicationScoped
public class EndpointService {

    private static final Logger LOG = Logger.getLogger(EndpointService.class);
    private static final int MAX_DESCRIPTION = 500;
    private static final int MAX_FILTER_ENTRIES = 100;
    private static final int MAX_TENANT_ID = 200;
    static final String DISABLED_BY_CLIENT = "disabled through the API";

    /** The lifecycle event types an endpoint can subscribe to. */
    public static final Set<String> LIFECYCLE_TYPES = Arrays.stream(EventType.values())
            .filter(type -> type.isPublishedOn(Topics.TENANT_LIFECYCLE))
            .map(EventType::type)
            .collect(Collectors.toCollection(LinkedHashSet::new));

    /** An endpoint with the secret that was just made for it (shown once). */
    public record EndpointWithSecret(WebhookEndpoint endpoint, String secret) {}

    /** A new secret and until when the one it replaces keeps signing. */
    public record RotatedSecret(UUID endpointId, int version, String secret, Instant previousValidUntil) {}

    private final AgroalDataSource dataSource;
    private final EndpointRepository endpoints;
    private final SecretRepository secrets;
    private final DeliveryRepository deliveries;
    private final SecretCipher cipher;
    private final SsrfGuard guard;
    private final DispatcherMetrics metrics;
    private final DispatcherConfig config;

    public EndpointService(
            AgroalDataSource dataSource,
            EndpointRepository endpoints,
            SecretRepository secrets,
            DeliveryRepository deliveries,
            SecretCipher cipher,
            SsrfGuard guard,
            DispatcherMetrics metrics,
            DispatcherConfig config) {
        this.dataSource = dataSource;
        this.endpoints = endpoints;
        this.secrets = secrets;
        this.deliveries = deliveries;
        this.cipher = cipher;
        this.guard = guard;
        this.metrics = metrics;
        this.config = config;
    }

    public EndpointWithSecret create(EndpointSpec spec) throws SQLException {
        EndpointSpec valid = validate(spec);
        UUID id = UUID.randomUUID();
        String secret = WebhookSigner.newSecret();
        WebhookEndpoint endpoint = inTransaction(tx -> {
            Connection connection = tx.connection();
            WebhookEndpoint created = endpoints.insert(
                    connection, id, valid.url(), valid.description(), valid.eventTypes(), valid.tenantIds());
            secrets.insert(connection, id, 1, cipher.encrypt(id, 1, secret));
            if (Boolean.FALSE.equals(valid.enabled())) {
                endpoints.disable(connection, id, DISABLED_BY_CLIENT);
                return endpoints.find(connection, id).orElseThrow();
            }
            return created;
        });
        LOG.infof("Registered webhook endpoint %s (%s)", id, hostOf(valid.url()));
        return new EndpointWithSecret(endpoint, secret);
    }

    public WebhookEndpoint get(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return endpoints.find(connection, id).orElseThrow(() -> notFound(id));
        }
    }

    public Page<WebhookEndpoint> list(String tenantId, PageCursor after, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return endpoints.list(connection, tenantId, after, limit);
        }
    }

    public WebhookEndpoint update(UUID id, EndpointSpec spec) throws SQLException {
        EndpointSpec valid = validate(spec);
        Updated updated = inTransaction(tx -> {
            Connection connection = tx.connection();
            WebhookEndpoint before = endpoints.lock(connection, id).orElseThrow(() -> notFound(id));
            endpoints.update(connection, id, valid.url(), valid.description(), valid.eventTypes(), valid.tenantIds());
            int failed = 0;
            if (Boolean.TRUE.equals(valid.enabled()) && !before.enabled()) {
                endpoints.enable(connection, id);
                LOG.infof("Webhook endpoint %s enabled again (was disabled: %s)", id, before.disabledReason());
            } else if (Boolean.FALSE.equals(valid.enabled()) && before.enabled()) {
                endpoints.disable(connection, id, DISABLED_BY_CLIENT);
                failed = deliveries.failPendingOfEndpoint(connection, id, DISABLED_BY_CLIENT);
            }
            return new Updated(endpoints.find(connection, id).orElseThrow(), failed);
        });
        // Counted once committed: a disabled endpoint's queue fails without attempts of its own.
        metrics.deliveries(DeliveryStatus.FAILED, updated.failedDeliveries());
        return updated.endpoint();
    }

    private record Updated(WebhookEndpoint endpoint, int failedDeliveries) {}

    public void delete(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!endpoints.delete(connection, id)) {
                throw notFound(id);
            }
        }
        LOG.infof("Deleted webhook endpoint %s with its deliveries", id);
    }

    /**
     * Makes a new current secret. The previous one keeps signing (a second signature) for the
     * rotation window, so receivers can switch to the new secret without rejecting anything.
     */
    public RotatedSecret rotateSecret(UUID id) throws SQLException {
        String secret = WebhookSigner.newSecret();
        Instant previousValidUntil = Instant.now().plus(config.secretRotationWindow());
        int version = inTransaction(tx -> {
            Connection connection = tx.connection();
            endpoints.lock(connection, id).orElseThrow(() -> notFound(id));
            int next = secrets.latestVersion(connection, id) + 1;
            secrets.retireCurrent(connection, id, previousValidUntil);
            secrets.insert(connection, id, next, cipher.encrypt(id, next, secret));
            return next;
        });
        LOG.infof(
                "Rotated the secret of webhook endpoint %s to version %d; the previous one signs until %s",
                id, version, previousValidUntil);
        return new RotatedSecret(id, version, secret, previousValidUntil);
    }

    private EndpointSpec validate(EndpointSpec spec) {
        if (spec == null) {
            throw ProblemException.badRequest("A JSON body with at least 'url' is required");
        }
        if (spec.url() == null || spec.url().isBlank()) {
            throw ProblemException.invalidField("url", "required");
        }
        String url;
        try {
            url = guard.check(spec.url()).toString();
        } catch (SsrfGuard.UrlRefusedException e) {
            throw new ProblemException(
                    422,
                    "webhook-url-refused",
                    "Webhook URL refused",
                    e.getMessage(),
                    List.of(new Problem.FieldError("url", e.getMessage())));
        }
        String description = spec.description() == null || spec.description().isBlank()
                ? null
                : spec.description().trim();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ProblemException.invalidField("description", "at most " + MAX_DESCRIPTION + " characters");
        }
        List<String> eventTypes = distinct(spec.eventTypes(), "eventTypes");
        for (String type : eventTypes) {
            if (!LIFECYCLE_TYPES.contains(type)) {
                throw ProblemException.invalidField(
                        "eventTypes",
                        "unknown lifecycle event type '" + type + "'; known: " + String.join(", ", LIFECYCLE_TYPES));
            }
        }
        List<String> tenantIds = distinct(spec.tenantIds(), "tenantIds");
        for (String tenant : tenantIds) {
            if (tenant.length() > MAX_TENANT_ID) {
                throw ProblemException.invalidField(
                        "tenantIds", "a tenant id has at most " + MAX_TENANT_ID + " characters");
            }
        }
        return new EndpointSpec(url, description, eventTypes, tenantIds, spec.enabled());
    }

    private static List<String> distinct(List<String> values, String field) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_FILTER_ENTRIES) {
            throw ProblemException.invalidField(field, "at most " + MAX_FILTER_ENTRIES + " entries");
        }
        if (values.stream().anyMatch(v -> v == null || v.isBlank())) {
            throw ProblemException.invalidField(field, "entries must not be null or blank");
        }
        return values.stream().map(String::trim).distinct().toList();
    }

    static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No webhook endpoint " + id);
    }

    private static String hostOf(String url) {
        return URI.create(url).getHost();
    }

    private <T> T inTransaction(Transactions.Work<T> work) throws SQLException {
        return Transactions.inTransaction(dataSource, work);
    }
}
