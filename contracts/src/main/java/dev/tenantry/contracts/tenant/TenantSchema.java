package dev.tenantry.contracts.tenant;

import java.util.regex.Pattern;

/**
 * The PostgreSQL schema holding one tenant's tables, e.g. {@code tenant_acme_corp}.
 *
 * <p>The name is a validated, unquoted-safe PostgreSQL identifier
 * ({@code ^[a-z_][a-z0-9_]{0,62}$}, at most 63 bytes), so it can never carry SQL. Names of
 * system or shared schemas ({@code pg_*}, {@code public}, {@code information_schema}) are
 * rejected so a tenant operation can never touch them. Use {@link #quoted()} when splicing it
 * into DDL.
 *
 * @param name the schema name
 */
public record TenantSchema(String name) {

    /** The schema name format. */
    public static final Pattern PATTERN = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");

    /** Prefix of tenant schemas derived from a slug. */
    public static final String PREFIX = "tenant_";

    private static final Validation CHECK = Validation.of("TenantSchema");

    /**
     * Creates the record, validating every component.
     *
     * @param name the schema name
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantSchema {
        CHECK.schema("name", name);
    }

    /**
     * The conventional schema of a tenant: {@code tenant_<slug>}.
     *
     * @param slug the tenant's slug
     * @return {@code tenant_<slug>}
     */
    public static TenantSchema of(TenantSlug slug) {
        if (slug == null) {
            throw new InvalidEventException("TenantSchema.slug", "TenantSchema.slug is required but was null");
        }
        return new TenantSchema(PREFIX + slug.value());
    }

    /**
     * @param name candidate schema name, may be null
     * @return whether {@code name} is an acceptable tenant schema name
     */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches() && !isReserved(name);
    }

    /**
     * @param name a schema name
     * @return whether it names a PostgreSQL system schema or the shared {@code public} schema
     */
    public static boolean isReserved(String name) {
        return name.startsWith("pg_") || name.equals("public") || name.equals("information_schema");
    }

    /**
     * @return the name as a double-quoted SQL identifier, e.g. {@code "tenant_acme"}
     */
    public String quoted() {
        // The pattern admits no double quotes, so no escaping is needed.
        return '"' + name + '"';
    }

    /** @return the schema name */
    @Override
    public String toString() {
        return name;
    }
}
