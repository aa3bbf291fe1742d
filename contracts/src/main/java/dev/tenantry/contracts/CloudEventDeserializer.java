package dev.tenantry.contracts;

import dev.tenantry.contracts.EventDecodingException.Reason;
import dev.tenantry.contracts.events.TenantryEvent;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer reading an {@link EventEnvelope} in CloudEvents binary mode.
 * Delegates to {@link CloudEventCodec#decode(Headers, byte[])}; every problem, including a null
 * value (tombstone), is an {@link EventDecodingException}.
 */
public class CloudEventDeserializer implements Deserializer<EventEnvelope<TenantryEvent>> {

    private final CloudEventCodec codec;

    /** Uses the shared codec. */
    public CloudEventDeserializer() {
        this(CloudEventCodec.shared());
    }

    /** @param codec the codec to delegate to */
    public CloudEventDeserializer(CloudEventCodec codec) {
        this.codec = codec;
    }

    /**
     * Not usable: binary mode needs headers.
     *
     * @throws EventDecodingException always, with {@link Reason#MISSING_HEADER}
     */
    @Override
    public EventEnvelope<TenantryEvent> deserialize(String topic, byte[] data) {
        throw new EventDecodingException(
                Reason.MISSING_HEADER,
                "CloudEvents binary mode needs record headers (ce_specversion, ce_id, ce_type, ...); "
                        + "use deserialize(topic, headers, data)");
    }

    @Override
    public EventEnvelope<TenantryEvent> deserialize(String topic, Headers headers, byte[] data) {
        return codec.decode(headers, data);
    }
}
