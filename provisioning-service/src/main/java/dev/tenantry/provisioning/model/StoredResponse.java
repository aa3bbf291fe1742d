package dev.tenantry.provisioning.model;

/**
 * The response given to the first request that used an idempotency key, replayed for later
 * identical requests.
 */
public record StoredResponse(String requestHash, int status, String body) {}
