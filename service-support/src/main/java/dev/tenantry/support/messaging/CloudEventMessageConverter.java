package dev.tenantry.support.messaging;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import io.smallrye.reactive.messaging.MessageConverter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Lets a SmallRye Reactive Messaging {@code @Incoming} method take an {@link EventEnvelope}
 * straight from a Kafka channel whose values are raw bytes: the CloudEvents headers and JSON body
 * are decoded by the same {@link CloudEventCodec} as everywhere else. Outgoing channels use
 * {@code value.serializer=dev.tenantry.contracts.CloudEventSerializer}.
 */
@ApplicationScoped
public class CloudEventMessageConverter implements MessageConverter {

    private final CloudEventCodec codec = new CloudEventCodec();

    @Override
    public boolean canConvert(Message<?> in, Type target) {
        Class<?> raw = target instanceof ParameterizedType p
                ? (Class<?>) p.getRawType()
                : target instanceof Class<?> c ? c : null;
        return raw == EventEnvelope.class
                && in.getPayload() instanceof byte[]
                && in.getMetadata(IncomingKafkaRecordMetadata.class).isPresent();
    }

    @Override
    public Message<?> convert(Message<?> in, Type target) {
        IncomingKafkaRecordMetadata<?, ?> metadata =
                in.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        return in.withPayload(codec.decode(metadata.getHeaders(), (byte[]) in.getPayload()));
    }
}
