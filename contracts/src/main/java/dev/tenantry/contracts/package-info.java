/**
 * Tenantry's event contracts: topic names, the event envelope, the CloudEvents codec and the
 * Kafka serializer/deserializer every service uses.
 *
 * <p>Sub-packages hold the tenant value types ({@link dev.tenantry.contracts.tenant}) and the
 * event records ({@link dev.tenantry.contracts.events}). JSON Schemas for every event are
 * shipped under {@code schemas/<SimpleName>.json} and the AsyncAPI document as
 * {@code asyncapi.yaml} on the classpath.
 */
package dev.tenantry.contracts;
