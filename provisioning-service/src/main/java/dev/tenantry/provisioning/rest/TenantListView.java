package dev.tenantry.provisioning.rest;

import java.util.List;

/** One page of tenants; pass {@code nextCursor} as {@code cursor} for the next one (null on the last). */
public record TenantListView(List<TenantView> items, String nextCursor) {}
