package dev.tenantry.provisioning.model;

import java.util.List;

/** One page of the registry, in (created_at, id) order; {@code nextCursor} is null on the last page. */
public record TenantPage(List<Tenant> items, String nextCursor) {}
