package dev.tenantry.support.messaging;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A Kafka admin client made on first use, not at start-up: a service must start (and report itself
 * unready) while Kafka is still away, and an admin client that was never needed costs nothing.
 */
public final class LazyKafkaAdmin implements AutoCloseable {

    private final String bootstrapServers;
    private final Duration timeout;
    private volatile Admin admin;

    /** @param timeout request and default API timeout of the client */
    public LazyKafkaAdmin(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    public Admin get() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                current = admin;
                if (current == null) {
                    Properties props = new Properties();
                    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
                    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
                    current = Admin.create(props);
                    admin = current;
                }
            }
        }
        return current;
    }

    @Override
    public void close() {
        Admin current = admin;
        if (current != null) {
            current.close(Duration.ofSeconds(2));
        }
    }
}
