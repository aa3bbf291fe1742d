package dev.tenantry.support.rest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * What every Tenantry service accepts over HTTP ({@code tenantry.http.*}). Requests beyond these
 * limits are refused with a problem document before any resource sees them. Vert.x keeps hard
 * stops of its own above them ({@code quarkus.http.limits.*}, set in service-support's
 * microprofile-config.properties), so a request between the two still gets a problem document.
 */
@ConfigMapping(prefix = "tenantry.http")
public interface HttpLimits {

    /** Largest request body, in bytes, going by Content-Length; larger ones get 413. */
    @WithDefault("65536")
    int maxBodyBytes();

    /** Largest sum of header names and values, in bytes; larger ones get 431. */
    @WithDefault("20480")
    int maxHeaderBytes();

    /** Longest request target (path and query), in characters; longer ones get 414. */
    @WithDefault("4096")
    int maxUriLength();

    /** What a 503 answer's Retry-After says while a dependency (PostgreSQL, Kafka) is away. */
    @WithDefault("5s")
    Duration retryAfter();
}
