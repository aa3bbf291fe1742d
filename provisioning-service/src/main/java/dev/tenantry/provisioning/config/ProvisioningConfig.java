package dev.tenantry.provisioning.config;

import dev.tenantry.support.messaging.ConsumerRetry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything an operator can tune about the provisioning service ({@code tenantry.provisioning.*}). */
@ConfigMapping(prefix = "tenantry.provisioning")
public interface ProvisioningConfig {

    /** Identifies this service as the source of the events it writes. */
    @WithDefault("urn:tenantry:provisioning-service")
    String eventSource();

    /** Kafka consumer group for tenant-commands and tenant-migration-results. */
    @WithDefault("provisioning-service")
    String consumerGroup();

    Tenants tenants();

    Saga saga();

    Relay relay();

    ConsumerRetry retry();

    Api api();

    Retention retention();

    interface Tenants {
        /**
         * Slugs nobody may take, beyond the built-in ones (public, information_schema, pg_*,
         * tenantry*, deleted*): e.g. names of your own platform schemas.
         */
        Optional<List<String>> reservedSlugs();

        /** Migration version new tenants are created at; empty means the latest the worker knows. */
        Optional<String> initialVersion();
    }

    interface Saga {
        /**
         * A tenant still PROVISIONING after this long has its provisioning request sent again, until
         * {@link #maxProvisioningRequests()} requests in all have gone unanswered (with the default 2,
         * one re-send; with 1, none); then it is failed and compensated. One still COMPENSATING or
         * DELETING after this long has its request re-sent, as often as it takes.
         * Only if the worker has answered nothing for this long, or has answered requests sent this
         * long after the tenant's: a request queued behind a backlog the worker is working through
         * is never taken for lost.
         */
        @WithDefault("2m")
        Duration provisioningTimeout();

        /**
         * A tenant still UPGRADING after this long has its upgrade request re-sent, up to
         * {@link #maxProvisioningRequests()} requests, then its upgrade is failed (UPGRADE_FAILED).
         * Longer than the provisioning timeout: an upgrade of a large tenant can take minutes.
         */
        @WithDefault("10m")
        Duration upgradeTimeout();

        /** How often stuck tenants are looked for; 0 disables the sweep. */
        @WithDefault("15s")
        Duration sweepInterval();

        /**
         * How many times a provisioning (or upgrade) request is sent, the first included, before the
         * saga gives up on it.
         */
        @WithDefault("2")
        int maxProvisioningRequests();
    }

    interface Relay {
        /** Run the outbox relay in this instance (one replica relays at a time, the others stand by). */
        @WithDefault("true")
        boolean enabled();

        /** Debezium engine name; also the key of its offsets in the offset table. */
        @WithDefault("provisioning-outbox-relay")
        String engineName();

        /** Logical replication slot the relay reads; kept across restarts. */
        @WithDefault("tenantry_provisioning_outbox")
        String slotName();

        /** Publication of the outbox and heartbeat tables (inserts only). */
        @WithDefault("tenantry_provisioning_outbox")
        String publicationName();

        /** Schema of the outbox, heartbeat and offset tables (the shared schema). */
        @WithDefault("public")
        String schema();

        /**
         * How long Debezium sleeps when it finds no new WAL (it sleeps both in its WAL reader and in
         * its record poll): the floor of commit-to-Kafka latency. Debezium's default is 500 ms.
         */
        @WithDefault("10ms")
        Duration pollInterval();

        /** How often a standby tries to take over the relay. */
        @WithDefault("1s")
        Duration standbyRetryInterval();

        /** How often the replication position is written to the offset table. */
        @WithDefault("1s")
        Duration offsetFlushInterval();

        /** Heartbeat writes that keep the slot advancing on an idle database. */
        @WithDefault("10s")
        Duration heartbeatInterval();

        /** Wait before restarting a relay whose engine failed (Kafka or PostgreSQL away). */
        @WithDefault("2s")
        Duration restartBackoff();
    }

    interface Api {
        /** Page size of GET /tenants when no limit is given. */
        @WithDefault("50")
        int defaultPageSize();

        /** Largest page size a client may ask for. */
        @WithDefault("200")
        int maxPageSize();
    }

    /** The retention sweep of the service's own history. */
    interface Retention {
        /** How often rows past retention are looked for; 0 switches the sweep off. */
        @WithDefault("1h")
        Duration interval();

        /** Rows deleted per statement. */
        @WithDefault("1000")
        int batchSize();

        /**
         * How long a consumed event's id is remembered (a redelivered or replayed event with a
         * remembered id is skipped). Must be longer than the dead-letter replay window
         * (tenantry.dead-letters.replay-window, 7 days) and the retention of the consumed topics.
         */
        @WithDefault("30d")
        Duration processedEvents();

        /** How long a client's Idempotency-Key answers a retry with the first response. */
        @WithDefault("48h")
        Duration idempotencyKeys();

        /**
         * How long the id of a command from tenant-commands keeps its answer. Must be longer than
         * the dead-letter replay window, like processed-event ids.
         */
        @WithDefault("30d")
        Duration commandIds();

        /**
         * How long a tenant's timeline keeps an entry. Entries since the tenant's last status
         * change are kept however old: they explain the state it is in.
         */
        @WithDefault("90d")
        Duration timeline();
    }
}
