package dev.tenantry.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** How every Tenantry service talks to Kafka: publishing, the topics it creates, liveness of its consumers. */
@ConfigMapping(prefix = "tenantry.messaging")
public interface MessagingConfig {

    /**
     * How long a publish waits for Kafka's acknowledgement (also the producer's delivery timeout
     * and the longest a send blocks for metadata). Past it the publish fails as a transient failure.
     */
    @WithDefault("30s")
    Duration publishTimeout();

    Topics topics();

    Liveness liveness();

    Consumers consumers();

    /** Topics each service creates at start instead of relying on the broker to create them. */
    interface Topics {

        /** Create missing topics at start; off when topics are managed outside Tenantry. */
        @WithDefault("true")
        boolean create();

        /** Partitions of the event topics (tenant-commands, ...): the parallelism of their consumers. */
        @WithDefault("4")
        int partitions();

        /** Partitions of each dead-letter topic and of its replay log. */
        @WithDefault("1")
        int deadLetterPartitions();

        /** Replication factor of every created topic; the broker's default.replication.factor when unset. */
        OptionalInt replicationFactor();
    }

    interface Consumers {

        /**
         * This instance's name in its consumer groups (static membership: each consumer of a
         * channel joins as {@code <instance-id>-<topic>-<n>}, see StaticMembership). Set it to a name unique among the instances of the
         * service and stable across restarts (a StatefulSet pod name, a host name): a restarted
         * instance then gets its partitions back at once, instead of after the broker expired its
         * predecessor's session. Unset, consumers join as dynamic members.
         */
        Optional<String> instanceId();

        /**
         * How long a record waits for PostgreSQL or Kafka when it fails, past its retries, because
         * one of them is away: it is tried again, uncommitted, every {@code retry.max-backoff}, not
         * dead-lettered (the outage is not the record's fault). After this long it is
         * dead-lettered after all, so that a record that always fails this way cannot block its
         * partition for ever.
         */
        @WithDefault("10m")
        Duration outagePatience();
    }

    interface Liveness {

        /**
         * A record that has waited this long for PostgreSQL or Kafka (or its dead letter for Kafka)
         * turns the consumer-loops liveness check DOWN, so that an orchestrator restarts the process.
         */
        @WithDefault("2m")
        Duration downAfter();
    }
}
