package dev.tenantry.contracts;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka value serializer writing an {@link EventEnvelope} in CloudEvents binary mode: the value
 * is the JSON data, the context attributes go into {@code ce_*} headers. Delegates to
 * {@link CloudEventCodec}. The record key should be {@link EventEnvelope#subject()}.
 *
 * <p>A null envelope is serialized as null (a tombstone). Sending an event to one of the
 * Tenantry topics it does not belong to fails with {@link IllegalArgumentException}.
 */
public class CloudEventSerializer implements Serializer<EventEnvelope<?>> {

    private final CloudEventCodec codec;

    /** Uses the shared codec. */
    public CloudEventSerializer() {
        this(CloudEventCodec.shared());
    }

    /** @param codec the codec to delegate to */
    public CloudEventSerializer(CloudEventCodec codec) {
        this.codec = codec;
    }

    /**
     * Not supported: binary mode needs headers. Kafka producers always call
     * {@link #serialize(String, Headers, EventEnvelope)}.
     *
     * @throws UnsupportedOperationException always (unless {@code data} is null)
     */
    @Override
    public byte[] serialize(String topic, EventEnvelope<?> data) {
        if (data == null) {
            return null;
        }
        throw new UnsupportedOperationException(
                "CloudEvents binary mode needs record headers; use serialize(topic, headers, data)");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, EventEnvelope<?> data) {
        if (data == null) {
            return null;
        }
        codec.checkTopic(topic, data);
        codec.writeHeaders(data, headers);
        return codec.encodeData(data.data());
    }
}
