package dev.tenantry.provisioning.service;

import dev.tenantry.contracts.tenant.TenantSlug;
import dev.tenantry.provisioning.config.ProvisioningConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which slugs a tenant may have: the slug pattern, and no name that PostgreSQL or the platform
 * uses. Names ending in {@code *} are prefixes.
 */
@ApplicationScoped
public class SlugPolicy {

    /** Reserved by PostgreSQL and by Tenantry itself (its schemas, archived tenants {@code deleted_*}). */
    static final List<String> BUILT_IN = List.of("public", "information_schema", "pg_*", "tenantry*", "deleted*");

    private final List<String> reserved;

    @Inject
    public SlugPolicy(ProvisioningConfig config) {
        this(config.tenants().reservedSlugs().orElse(List.of()));
    }

    SlugPolicy(List<String> configured) {
        this.reserved = Stream.concat(BUILT_IN.stream(), configured.stream())
                .map(name -> name.trim().toLowerCase(Locale.ROOT))
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /** Why the slug may not be used, or empty when it may. */
    public Optional<String> refusal(String slug) {
        if (slug == null || slug.isBlank()) {
            return Optional.of("is required");
        }
        if (!TenantSlug.isValid(slug)) {
            return Optional.of("must match " + TenantSlug.PATTERN.pattern()
                    + " (a lowercase letter, then 2 to 39 lowercase letters, digits or underscores)");
        }
        for (String name : reserved) {
            boolean prefix = name.endsWith("*");
            String stem = prefix ? name.substring(0, name.length() - 1) : name;
            if (prefix ? slug.startsWith(stem) : slug.equals(stem)) {
                return Optional.of(
                        "'" + slug + "' is reserved" + (prefix ? " (names starting with '" + stem + "')" : ""));
            }
        }
        return Optional.empty();
    }
}
