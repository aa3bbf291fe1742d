/**
 * Tenant value types: the slug a tenant is known by, the PostgreSQL schema that holds its
 * tables, and the kind of migration run; and the field checks every contract record uses
 * ({@link dev.tenantry.contracts.tenant.Validation}). Depends on no other contracts package, so
 * the event records and the codec can both build on it.
 */
package dev.tenantry.contracts.tenant;
