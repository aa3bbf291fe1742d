package dev.tenantry.dispatcher.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventJson;
import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.model.Attempt;
import dev.tenantry.dispatcher.model.AttemptResult;
import dev.tenantry.dispatcher.model.ClaimedDelivery;
import dev.tenantry.dispatcher.model.Delivery;
import dev.tenantry.dispatcher.model.DeliveryStatus;
import dev.tenantry.dispatcher.model.Page;
import dev.tenantry.dispatcher.model.WebhookEndpoint;
import dev.tenantry.dispatcher.repository.AttemptRepository;
import dev.tenantry.dispatcher.repository.DeliveryRepository;
import dev.tenantry.dispatcher.repository.EndpointRepository;
import dev.tenantry.dispatcher.repository.SecretRepository;
import dev.tenantry.dispatcher.service.AttemptRecorder.Completed;
import dev.tenantry.support.persistence.Transactions;
import dev.tenantry.support.rest.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/** What operators and clients do with deliveries: look, redeliver, recover, ping. */
@ApplicationScoped
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);
    public static final String PING_TYPE = "tenantry.webhook.ping.v1";
    static final String SOURCE = "urn:tenantry:webhook-dispatcher";

    /** The outcome of a ping: sent at once, once, and logged like any attempt. */
    public record PingResult(
            UUID deliveryId,
            String eventId,
            boolean delivered,
            Integer responseStatus,
            long durationMs,
            String error) {}

    /** How many failed deliveries were queued again. */
    public record Recovery(UUID endpointId, Instant since, int requeued) {}

    private final AgroalDataSource dataSource;
    private final DeliveryRepository deliveries;
    private final AttemptRepository attempts;
    private final EndpointRepository endpoints;
    private final SecretRepository secrets;
    private final SigningKeys keys;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final DeliveryEngine engine;
    private final DispatcherConfig config;
    private final SecureRandom random = new SecureRandom();

    public DeliveryService(
            AgroalDataSource dataSource,
            DeliveryRepository deliveries,
            AttemptRepository attempts,
            EndpointRepository endpoints,
            SecretRepository secrets,
            SigningKeys keys,
            WebhookSender sender,
            AttemptRecorder recorder,
            DeliveryEngine engine,
            DispatcherConfig config) {
        this.dataSource = dataSource;
        this.deliveries = deliveries;
        this.attempts = attempts;
        this.endpoints = endpoints;
        this.secrets = secrets;
        this.keys = keys;
        this.sender = sender;
        this.recorder = recorder;
        this.engine = engine;
        this.config = config;
    }

    public Page<Delivery> list(DeliveryRepository.Filter filter) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return deliveries.list(connection, filter);
        }
    }

    public Delivery get(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return deliveries.find(connection, id).orElseThrow(() -> notFound(id));
        }
    }

    public List<Attempt> attempts(UUID deliveryId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            deliveries.find(connection, deliveryId).orElseThrow(() -> notFound(deliveryId));
            return attempts.findByDelivery(connection, deliveryId);
        }
    }

    /** Sends a delivery again, with a fresh retry schedule; same payload and webhook-id. */
    public Delivery redeliver(UUID id) throws SQLException {
        Delivery delivery = Transactions.inTransaction(dataSource, tx -> {
            Connection connection = tx.connection();
            Delivery current = deliveries.find(connection, id).orElseThrow(() -> notFound(id));
            requireEnabled(connection, current.endpointId());
            if (current.status() == DeliveryStatus.DELIVERING) {
                throw ProblemException.conflict("Delivery " + id + " has an attempt in flight; try again when it ends");
            }
            return deliveries
                    .requeue(connection, id)
                    .orElseThrow(() -> ProblemException.conflict(
                            "Delivery " + id + " has an attempt in flight; try again when it ends"));
        });
        LOG.infof("Delivery %s queued again by an operator", id);
        engine.signal();
        return delivery;
    }

    /** Queues every failed delivery of an endpoint created since {@code since} again. */
    public Recovery recover(UUID endpointId, Instant since) throws SQLException {
        int requeued = Transactions.inTransaction(dataSource, tx -> {
            Connection connection = tx.connection();
            requireEnabled(connection, endpointId);
            return deliveries.requeueFailed(connection, endpointId, since);
        });
        LOG.infof(
                "Recovered webhook endpoint %s: %d failed deliveries since %s queued again",
                endpointId, requeued, since);
        if (requeued > 0) {
            engine.signal();
        }
        return new Recovery(endpointId, since, requeued);
    }

    /** Sends a signed test event to the endpoint now and reports what happened. */
    public PingResult ping(UUID endpointId) throws SQLException {
        String eventId = UUID.randomUUID().toString();
        ClaimedDelivery[] delivery = new ClaimedDelivery[1];
        List<byte[]> signingKeys = Transactions.inTransaction(dataSource, tx -> {
            Connection connection = tx.connection();
            // A disabled endpoint can be pinged too: that is how one checks it works before enabling it.
            WebhookEndpoint endpoint =
                    endpoints.find(connection, endpointId).orElseThrow(() -> EndpointService.notFound(endpointId));
            delivery[0] = new ClaimedDelivery(
                    UUID.randomUUID(),
                    eventId,
                    endpointId,
                    endpoint.url(),
                    pingPayload(eventId, endpointId),
                    0,
                    0,
                    random.nextLong());
            deliveries.insertClaimed(connection, delivery[0], null, PING_TYPE, engine.lease());
            return keys.forEndpoints(secrets.signing(connection, Set.of(endpointId)))
                    .getOrDefault(endpointId, List.of());
        });
        AttemptResult result = await(sender.send(
                delivery[0].url(), eventId, delivery[0].payload().getBytes(StandardCharsets.UTF_8), signingKeys));
        recorder.write(List.of(new Completed(delivery[0], result, false)));
        return new PingResult(
                delivery[0].id(), eventId, result.succeeded(), result.status(), result.durationMs(), result.error());
    }

    private AttemptResult await(CompletableFuture<AttemptResult> result) {
        try {
            return result.get(config.delivery().requestTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pinging", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("ping did not complete", e);
        }
    }

    private WebhookEndpoint requireEnabled(Connection connection, UUID endpointId) throws SQLException {
        WebhookEndpoint endpoint =
                endpoints.find(connection, endpointId).orElseThrow(() -> EndpointService.notFound(endpointId));
        if (!endpoint.enabled()) {
            throw ProblemException.conflict("Webhook endpoint " + endpointId + " is disabled ("
                    + endpoint.disabledReason() + "); enable it first");
        }
        return endpoint;
    }

    private static String pingPayload(String eventId, UUID endpointId) {
        ObjectNode event = EventJson.mapper().createObjectNode();
        event.put("specversion", CloudEventCodec.SPEC_VERSION);
        event.put("id", eventId);
        event.put("type", PING_TYPE);
        event.put("source", SOURCE);
        event.put(
                "time",
                Instant.now()
                        .truncatedTo(ChronoUnit.MILLIS)
                        .atOffset(ZoneOffset.UTC)
                        .toString());
        event.put("subject", endpointId.toString());
        event.put("datacontenttype", CloudEventCodec.JSON);
        ObjectNode data = event.putObject("data");
        data.put("endpointId", endpointId.toString());
        data.put("message", "Test event from Tenantry: this endpoint receives signed webhooks");
        try {
            return EventJson.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the ping event", e);
        }
    }

    static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No webhook delivery " + id);
    }
}
