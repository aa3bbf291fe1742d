package dev.tenantry.support.deadletter;

import dev.tenantry.support.messaging.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The consumers of this service, so the dead-letter admin knows which DLQ topics are its own. */
@ApplicationScoped
public class DeadLetterSources {

    /** A consumed topic and the group consuming it; its dead letters live on {@code <topic>.<group>.dlq}. */
    public record Source(String topic, String consumerGroup) {
    }

    private final List<Source> sources = new CopyOnWriteArrayList<>();

    public void register(EventConsumer consumer) {
        sources.add(new Source(consumer.topic(), consumer.consumerGroup()));
    }

    public List<Source> all() {
        return List.copyOf(sources);
    }
}
