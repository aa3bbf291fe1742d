package dev.tenantry.support.health;

import dev.tenantry.support.messaging.LazyKafkaAdmin;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the Kafka cluster answers: every Tenantry service reads or writes events. */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final LazyKafkaAdmin admin;

    public KafkaReadinessCheck(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.admin = new LazyKafkaAdmin(bootstrapServers, TIMEOUT);
    }

    @Override
    public HealthCheckResponse call() {
        try {
            String clusterId = admin.get()
                    .describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .clusterId()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return HealthCheckResponse.named("kafka")
                    .up()
                    .withData("clusterId", clusterId)
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named("kafka")
                    .down()
                    .withData("error", "interrupted")
                    .build();
        } catch (Exception e) {
            return HealthCheckResponse.named("kafka")
                    .down()
                    .withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}
