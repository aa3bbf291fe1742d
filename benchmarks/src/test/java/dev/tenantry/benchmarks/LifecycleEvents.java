package dev.tenantry.benchmarks;

import dev.tenantry.contracts.CloudEventCodec;
import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantActivated;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Lifecycle events as the worker publishes them (CloudEvents on {@code tenant-lifecycle}), produced
 * straight to the broker for made-up tenants: the dispatcher takes them in like any other, and no
 * tenant has to be provisioned for them.
 */
final class LifecycleEvents implements AutoCloseable {

    private static final URI SOURCE = URI.create("urn:tenantry:benchmarks");
    private static final CloudEventCodec CODEC = new CloudEventCodec();

    /** A tenant that exists only in the events about it. */
    record BenchTenant(String tenantId, String slug) {
        EventEnvelope<TenantActivated> activated() {
            return EventEnvelope.create(SOURCE, new TenantActivated(tenantId, slug, "tenant_" + slug, "3"));
        }
    }

    private final KafkaProducer<String, byte[]> producer;

    LifecycleEvents(String bootstrap) {
        // As the services produce: idempotent, acks=all; no linger, so an event leaves when it is sent.
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                        ProducerConfig.LINGER_MS_CONFIG, "0"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /**
     * Fresh tenants with slugs unique in the run. Events are keyed by tenant, so many tenants
     * spread them over the topic's partitions and the dispatcher's consumers.
     */
    static List<BenchTenant> freshTenants(BenchContext context, int count) {
        List<BenchTenant> tenants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // Slugs allow no hyphen.
            tenants.add(new BenchTenant(
                    UUID.randomUUID().toString(), context.slug("wh").replace('-', '_')));
        }
        return tenants;
    }

    static List<String> ids(List<BenchTenant> tenants) {
        return tenants.stream().map(BenchTenant::tenantId).toList();
    }

    /** Hands the event to the producer without waiting for the broker. */
    void send(EventEnvelope<?> event) {
        producer.send(CODEC.toRecord(Topics.TENANT_LIFECYCLE, event));
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
