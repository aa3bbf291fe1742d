package dev.tenantry.support.messaging;

import dev.tenantry.support.config.MessagingConfig;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * Bounds the whole publish of {@link EventPublisher}'s channel by
 * {@code tenantry.messaging.publish-timeout}: a send never blocks longer than that for metadata of
 * an unreachable broker, and a batch expires after it (linger plus request timeout must fit within
 * the delivery timeout). Three producer settings derived from one duration, which configuration
 * expressions cannot do, hence this customizer.
 */
@ApplicationScoped
public class PublishTimeouts implements ClientCustomizer<Map<String, Object>> {

    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Duration timeout;

    public PublishTimeouts(MessagingConfig config) {
        this.timeout = config.publishTimeout();
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        if (!EventPublisher.CHANNEL.equals(channel)) {
            return config;
        }
        Map<String, Object> customized = new HashMap<>(config);
        customized.putAll(producerTimeouts(timeout));
        return customized;
    }

    /**
     * The producer settings that bound a publish by {@code timeout}, as strings: the connector reads
     * its producer configuration as text (an Integer here fails the channel at start).
     */
    public static Map<String, String> producerTimeouts(Duration timeout) {
        long requestTimeout = Math.min(MAX_REQUEST_TIMEOUT.toMillis(), timeout.toMillis() - 10);
        return Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
    }
}
