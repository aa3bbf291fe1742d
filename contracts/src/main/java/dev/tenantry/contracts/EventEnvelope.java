package dev.tenantry.contracts;

import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.tenant.InvalidEventException;
import dev.tenantry.contracts.tenant.Validation;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * A Tenantry event with its CloudEvents context attributes.
 *
 * <p>Besides the standard attributes ({@code id}, {@code type}, {@code source}, {@code time},
 * {@code subject}) it carries two extension attributes: {@code causationid}, the id of the
 * event that caused this one, and {@code correlationid}, the id shared by every event of one
 * workflow (normally the id of the first event).
 *
 * <p>Every component is validated on construction; an invalid one raises
 * {@link InvalidEventException} naming it.
 *
 * @param id            unique event id, required; consumers deduplicate on it
 * @param type          CloudEvents type, required; must be the type of {@code data}
 * @param source        producing service, required (e.g. {@code urn:tenantry:provisioning-service})
 * @param time          when the event occurred, required
 * @param subject       Kafka key and CloudEvents subject, required; normally {@code data.subject()}
 * @param causationId   id of the causing event, optional
 * @param correlationId id of the workflow, optional
 * @param data          the event, required
 * @param <T>           event record type
 *
 */
public record EventEnvelope<T extends TenantryEvent>(
        String id,
        String type,
        URI source,
        OffsetDateTime time,
        String subject,
        String causationId,
        String correlationId,
        T data) {

    private static final Validation CHECK = Validation.of("EventEnvelope");

    /**
     * Creates the record, validating every component.
     *
     * @param id unique event id, required; consumers deduplicate on it
     * @param type CloudEvents type, required; must be the type of {@code data}
     * @param source producing service, required (e.g. {@code urn:tenantry:provisioning-service})
     * @param time when the event occurred, required
     * @param subject Kafka key and CloudEvents subject, required; normally {@code data.subject()}
     * @param causationId id of the causing event, optional
     * @param correlationId id of the workflow, optional
     * @param data the event, required
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public EventEnvelope {
        CHECK.text("id", id);
        CHECK.text("type", type);
        CHECK.notNull("source", source);
        if (source.toString().isEmpty()) {
            throw new InvalidEventException("EventEnvelope.source", "EventEnvelope.source must not be empty");
        }
        CHECK.notNull("time", time);
        CHECK.text("subject", subject);
        CHECK.optionalText("causationId", causationId);
        CHECK.optionalText("correlationId", correlationId);
        CHECK.notNull("data", data);
        String expected = EventType.of(data).type();
        if (!expected.equals(type)) {
            throw new InvalidEventException(
                    "EventEnvelope.type",
                    "EventEnvelope.type " + Validation.show(type) + " does not match data "
                            + data.getClass().getSimpleName() + " (expected " + expected + ")");
        }
    }

    /**
     * A new envelope: random UUID id, type from {@link EventType}, time now in UTC (microsecond
     * precision, as PostgreSQL stores it), subject {@code data.subject()}, no causation or
     * correlation.
     *
     * @param source producing service
     * @param data   the event
     * @param <T>    event record type
     * @return the envelope
     */
    public static <T extends TenantryEvent> EventEnvelope<T> create(URI source, T data) {
        if (data == null) {
            throw new InvalidEventException("EventEnvelope.data", "EventEnvelope.data is required but was null");
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        return new EventEnvelope<>(
                UUID.randomUUID().toString(), EventType.of(data).type(), source, now, data.subject(), null, null, data);
    }

    /**
     * A copy recording that {@code cause} caused this event: causation id = {@code cause.id()},
     * correlation id = {@code cause.correlationId()} or, when the cause has none, {@code cause.id()}.
     *
     * @param cause the causing event
     * @return the copy
     */
    public EventEnvelope<T> withCausation(EventEnvelope<?> cause) {
        if (cause == null) {
            throw new InvalidEventException("EventEnvelope.cause", "EventEnvelope.cause is required but was null");
        }
        return new EventEnvelope<>(id, type, source, time, subject, cause.id(), cause.correlationIdOrId(), data);
    }

    /**
     * @param correlationId the workflow id, or null to clear it
     * @return a copy with that correlation id
     */
    public EventEnvelope<T> withCorrelation(String correlationId) {
        return new EventEnvelope<>(id, type, source, time, subject, causationId, correlationId, data);
    }

    /**
     * @param id a new event id (e.g. an outbox row id)
     * @return a copy with that id
     */
    public EventEnvelope<T> withId(String id) {
        return new EventEnvelope<>(id, type, source, time, subject, causationId, correlationId, data);
    }

    /**
     * @param time a new event time
     * @return a copy with that time
     */
    public EventEnvelope<T> withTime(OffsetDateTime time) {
        return new EventEnvelope<>(id, type, source, time, subject, causationId, correlationId, data);
    }

    /** @return the correlation id, or this event's id when it starts a workflow */
    public String correlationIdOrId() {
        return correlationId != null ? correlationId : id;
    }

    /** @return the {@link EventType} of the data */
    public EventType eventType() {
        return EventType.of(data);
    }

    /**
     * Narrows the data type.
     *
     * @param eventClass expected record class
     * @param <E>        expected record type
     * @return this envelope, typed, when its data is an instance of {@code eventClass}; else empty
     */
    @SuppressWarnings("unchecked")
    public <E extends TenantryEvent> Optional<EventEnvelope<E>> as(Class<E> eventClass) {
        return eventClass.isInstance(data) ? Optional.of((EventEnvelope<E>) this) : Optional.empty();
    }
}
