package dev.tenantry.provisioning.model;

import java.util.Map;

/** A request for a new tenant, from REST or from a CreateTenant command; validated by the service. */
public record NewTenant(String slug, String displayName, String plan, Map<String, String> metadata) {}
