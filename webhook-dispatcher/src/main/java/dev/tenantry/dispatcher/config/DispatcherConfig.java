package dev.tenantry.dispatcher.config;

import dev.tenantry.support.messaging.ConsumerRetry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything an operator can tune about the webhook dispatcher ({@code tenantry.dispatcher.*}). */
@ConfigMapping(prefix = "tenantry.dispatcher")
public interface DispatcherConfig {

    /** Kafka consumer group on tenant-lifecycle; dispatchers with the same group share partitions. */
    @WithDefault("webhook-dispatcher")
    String consumerGroup();

    /**
     * Partitions of tenant-lifecycle taken in at once by this instance (the channel's
     * throttled.ordered.max-concurrency; records of one partition stay in order). Intake is one
     * short transaction per event, but each record also waits for the connector's hand-over
     * between its polling, event-loop and worker threads: with all four partitions of the default
     * topic at once, intake keeps up with a burst (the webhooks benchmark).
     */
    @WithDefault("4")
    int consumerConcurrency();

    /**
     * AES-256 key (base64 of 32 bytes) that encrypts endpoint secrets at rest, from
     * TENANTRY_WEBHOOK_SECRET_KEY. Only the dev and test profiles have a default (a published
     * development key); elsewhere the dispatcher does not start without a key of its own
     * ({@link WebhookSecretKeyCheck}).
     */
    Optional<String> secretEncryptionKey();

    /** Plain http endpoints are refused unless this is true (local stacks and tests). */
    @WithDefault("false")
    boolean allowHttp();

    Ssrf ssrf();

    Delivery delivery();

    AutoDisable autoDisable();

    /** How long a rotated-out secret keeps signing, so receivers can switch without dropping events. */
    @WithDefault("24h")
    Duration secretRotationWindow();

    Retry retry();

    Retention retention();

    interface Ssrf {
        /**
         * CIDR ranges that are allowed although they are loopback, private, link-local,
         * multicast, unique-local or unspecified, e.g. {@code 127.0.0.0/8} for a local receiver.
         */
        Optional<List<String>> allowedCidrs();
    }

    interface Delivery {
        /** False: nothing is sent by this instance (intake and REST still work). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Delay before each attempt: the first entry precedes the first attempt, entry n the
         * attempt n+1. The number of entries is the number of attempts.
         */
        @WithDefault("0s,5s,5m,30m,2h,5h,10h,10h")
        List<Duration> retrySchedule();

        /** Random extra delay, as a fraction of the scheduled delay, so retries do not arrive in step. */
        @WithDefault("0.2")
        double jitter();

        /** The longest a Retry-After header can push an attempt back. */
        @WithDefault("24h")
        Duration maxRetryAfter();

        /** Requests in flight per instance. */
        @WithDefault("128")
        int maxConcurrency();

        /** Requests in flight per endpoint and instance: one slow endpoint cannot take every slot. */
        @WithDefault("16")
        int perEndpointConcurrency();

        /** Deliveries claimed per query. */
        @WithDefault("100")
        int batchSize();

        /**
         * After a claim, how long freed slots may add up before the next claim (new deliveries are
         * claimed at once regardless). Fewer, larger claims under load.
         */
        @WithDefault("10ms")
        Duration claimLinger();

        /** How often the queue is looked at when nothing signalled new work. */
        @WithDefault("500ms")
        Duration pollInterval();

        /**
         * How long a claimed delivery stays with this instance. A crashed instance's claims are
         * due again once their lease ran out. Kept above twice the request timeout.
         */
        @WithDefault("2m")
        Duration lease();

        @WithDefault("5s")
        Duration connectTimeout();

        /** Whole request: connect, send, response headers and the part of the body that is kept. */
        @WithDefault("15s")
        Duration requestTimeout();
    }

    interface AutoDisable {
        /** An endpoint whose every attempt failed for this long is disabled. */
        @WithDefault("5d")
        Duration window();

        /** How often endpoints are checked; 0 switches the check off. */
        @WithName("check-interval")
        @WithDefault("1m")
        Duration checkInterval();
    }

    interface Retry extends ConsumerRetry {
        /** Intake retries of transient (database) failures before a record is dead-lettered. */
        @Override
        @WithDefault("8")
        int maxAttempts();
    }

    interface Retention {
        /** Delivered and failed deliveries (with their attempts) older than this are deleted; queued ones never. */
        @WithDefault("30d")
        Duration period();

        /**
         * How long a consumed event's id is remembered (a redelivered or replayed event with a
         * remembered id is not queued again). Must be longer than the dead-letter replay window
         * (tenantry.dead-letters.replay-window, 7 days) and the retention of tenant-lifecycle.
         */
        @WithDefault("30d")
        Duration processedEvents();

        /** How often old rows are looked for; 0 switches the sweep off. */
        @WithDefault("1h")
        Duration interval();

        /** Rows deleted per statement. */
        @WithDefault("1000")
        int batchSize();
    }
}
