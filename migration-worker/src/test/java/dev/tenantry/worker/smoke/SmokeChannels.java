package dev.tenantry.worker.smoke;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantryEvent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Test-only SmallRye channels: sends envelopes and remembers what comes back, with its raw headers. */
@ApplicationScoped
public class SmokeChannels {

    /** What the incoming channel received for one event id. */
    public record Received(EventEnvelope<TenantryEvent> envelope, Map<String, String> headers, String key) {}

    @Inject
    @Channel("smoke-out")
    Emitter<EventEnvelope<?>> out;

    private final Map<String, Received> received = new ConcurrentHashMap<>();

    public void send(EventEnvelope<?> envelope) {
        out.send(Message.<EventEnvelope<?>>of(envelope)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(envelope.subject())
                        .build()));
    }

    public Received received(String eventId) {
        return received.get(eventId);
    }

    @Incoming("smoke-in")
    public CompletionStage<Void> receive(Message<EventEnvelope<TenantryEvent>> message) {
        IncomingKafkaRecordMetadata<?, ?> metadata =
                message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        Map<String, String> headers = new HashMap<>();
        for (Header header : metadata.getHeaders()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        EventEnvelope<TenantryEvent> envelope = message.getPayload();
        received.put(envelope.id(), new Received(envelope, headers, String.valueOf(metadata.getKey())));
        return message.ack();
    }
}
