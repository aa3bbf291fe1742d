/**
 * The Tenantry event records. Every record validates itself in its canonical constructor and
 * throws {@link dev.tenantry.contracts.tenant.InvalidEventException} naming the offending field.
 *
 * <p>JSON property names are the record component names. Optional components may be null and
 * are left out of the JSON when they are; unknown JSON properties are ignored when reading, so
 * adding an optional property is a compatible change.
 *
 * <ul>
 *   <li>{@link dev.tenantry.contracts.events.TenantCommand}: topic {@code tenant-commands}</li>
 *   <li>{@link dev.tenantry.contracts.events.MigrationRequest}: topic {@code tenant-migration-requests}</li>
 *   <li>{@link dev.tenantry.contracts.events.MigrationResult}: topic {@code tenant-migration-results}</li>
 *   <li>{@link dev.tenantry.contracts.events.LifecycleEvent}: topic {@code tenant-lifecycle}</li>
 * </ul>
 */
package dev.tenantry.contracts.events;
