package dev.tenantry.worker.config;

import dev.tenantry.support.messaging.ConsumerRetry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Everything an operator can tune about the migration worker ({@code tenantry.worker.*}). */
@ConfigMapping(prefix = "tenantry.worker")
public interface WorkerConfig {

    /** Kafka consumer group for tenant-migration-requests; workers with the same group share partitions. */
    @WithDefault("migration-worker")
    String consumerGroup();

    /**
     * Consumer threads per instance: how many tenants this instance migrates at once. Four matches
     * the default partition count of tenant-migration-requests; most of a request's time is spent
     * waiting on PostgreSQL and Kafka, so more threads than cores pay off.
     */
    @WithDefault("4")
    int concurrency();

    /** Identifies this worker as the source of the events it publishes. */
    @WithDefault("urn:tenantry:migration-worker")
    String eventSource();

    TenantMigrations tenantMigrations();

    ConsumerRetry retry();

    Drift drift();

    Deletion deletion();

    Retention retention();

    SparePool sparePool();

    interface TenantMigrations {
        /**
         * Flyway locations of the tenant migrations: the demo schema on the classpath by default,
         * {@code filesystem:/path} for your own migrations without rebuilding the worker.
         */
        @WithDefault("classpath:db/tenant")
        List<String> locations();

        /** Flyway history table inside each tenant schema. */
        @WithDefault("flyway_schema_history")
        String historyTable();

        /**
         * Tenant schema changes (new tenants, spares and upgrades) after which the worker replaces
         * its database sessions; 0 never does. A session keeps something of every tenant table it
         * touched (PL/pgSQL's copy of the version trigger per history table, relation cache
         * entries) and re-checks all of it on each catalog change any other session makes, so a
         * session that had changed thousands of tenants made every new tenant's DDL many times
         * dearer. Counting changes rather than time keeps idle and read-only sessions warm.
         */
        @WithDefault("200")
        int sessionRenewalEvery();
    }

    interface Drift {
        /** Verify all tenants at start-up. */
        @WithDefault("true")
        boolean verifyAtStart();

        /** How often to verify the fleet; 0 disables the periodic check. */
        @WithDefault("5m")
        Duration interval();

        /** Upgrade tenants found behind the latest migration. */
        @WithDefault("true")
        boolean autoHeal();

        /**
         * Tenants this worker instance migrates at once for rollouts (drift repair included); a
         * stage's own parallelism bounds all instances together.
         */
        @WithDefault("2")
        int fleetParallelism();
    }

    Rollouts rollouts();

    /** How every worker instance takes part in rollouts (see {@code docs/runbook.md}). */
    interface Rollouts {
        /** How often this instance looks for tenants to claim, renews its leases and judges stages. */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * How long a claim on a tenant holds without renewal. An instance renews its claims at every
         * poll; when it dies, its tenants are claimed again by another instance once this runs out.
         */
        @WithDefault("30s")
        Duration lease();
    }

    interface Deletion {
        /** How long a deleted tenant's schema is kept (renamed aside) before it is dropped. */
        @WithDefault("30d")
        Duration retention();
    }

    /** The retention sweep: deleted tenants' schemas (see {@link Deletion}) and the worker's own history. */
    interface Retention {
        /** How often everything past retention is looked for; 0 switches the sweep off. */
        @WithDefault("1h")
        Duration interval();

        /** Rows deleted per statement. */
        @WithDefault("1000")
        int batchSize();

        /**
         * How long a handled request's event id is remembered (a redelivered or replayed request
         * with a remembered id is skipped). Must be longer than the dead-letter replay window
         * (tenantry.dead-letters.replay-window, 7 days) and the retention of the request topic.
         */
        @WithDefault("30d")
        Duration processedEvents();

        /** How long the run log keeps a run; the latest run of every tenant and schema is always kept. */
        @WithDefault("90d")
        Duration runs();

        /**
         * How long a completed or aborted rollout (its stages and tenants) is kept after it ended,
         * and a published rollout event after it was published.
         */
        @WithDefault("90d")
        Duration rollouts();
    }

    interface SparePool {
        /**
         * Complete tenant schemas kept ready at the latest release; a new tenant takes one by
         * renaming it, so a signup costs a rename instead of running every migration. 0 disables
         * the pool. Requires migrations that never name their own schema (the demo's don't).
         * Size it to the largest burst of signups that should be served at rename speed: a burst
         * larger than the pool builds the rest on the spot, about ten times the CPU per signup.
         * A demo spare is 32 relations and about 450 kB on disk, so 128 of them cost about 57 MB.
         */
        @WithDefault("128")
        int size();

        /** How often the pool is checked and topped up. */
        @WithDefault("5s")
        Duration refillInterval();

        /**
         * Spares are built only once no signup has come for this long: building one costs as much
         * CPU as the signup it will save, so building during a burst would slow the burst down.
         */
        @WithDefault("500ms")
        Duration refillAfterIdle();
    }
}
