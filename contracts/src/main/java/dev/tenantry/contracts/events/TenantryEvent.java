package dev.tenantry.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Any Tenantry event: the data of a CloudEvent on one of the Tenantry topics.
 *
 * <p>The annotations make every record tolerant of unknown properties and omit null optional
 * properties with any Jackson {@code ObjectMapper}, not only {@code EventJson}'s.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface TenantryEvent permits TenantCommand, MigrationRequest, MigrationResult, LifecycleEvent {

    /**
     * The CloudEvents subject and Kafka key: the tenant id, except for {@link CreateTenant}
     * (its slug, as no id exists yet) and {@link TenantRequestRejected} (the subject it names,
     * or else the command id).
     *
     * @return the subject, never null or blank
     */
    String subject();
}
