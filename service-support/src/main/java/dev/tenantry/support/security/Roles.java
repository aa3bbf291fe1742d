package dev.tenantry.support.security;

/**
 * The roles a bearer token can carry (JWT {@code groups} claim). The same three roles guard every
 * Tenantry service.
 */
public final class Roles {

    /** May create, upgrade and delete tenants. */
    public static final String TENANT_ADMIN = "tenant-admin";
    /** May use admin and operations routes: drift, dead letters, webhook recovery. */
    public static final String OPERATOR = "operator";
    /** May read. */
    public static final String VIEWER = "viewer";

    private Roles() {}
}
