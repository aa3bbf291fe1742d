package dev.tenantry.provisioning.model;

import java.time.Instant;

/**
 * One line of a tenant's history.
 *
 * @param kind what happened: {@code requested}, {@code transition}, {@code migration-result},
 *             {@code result-ignored}, {@code request-rejected}
 */
public record TimelineEntry(
        long seq,
        Instant occurredAt,
        String kind,
        TenantStatus fromStatus,
        TenantStatus toStatus,
        String eventType,
        String eventId,
        String detail) {}
