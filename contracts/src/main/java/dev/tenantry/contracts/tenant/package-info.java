/**
 * Tenant value types: the slug a tenant is known by, the PostgreSQL schema that holds its
 * tables, and the kind of migration run.
 */
package dev.tenantry.contracts.tenant;
