package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.tenant.InvalidEventException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class EventEnvelopeTests {

    private final TenantRequested requested = (TenantRequested) SampleEvents.of(EventType.TENANT_REQUESTED);

    @Test
    void createFillsIdTypeTimeAndSubject() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        EventEnvelope<TenantRequested> envelope = EventEnvelope.create(SampleEvents.SOURCE, requested);

        assertThat(envelope.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(envelope.type()).isEqualTo("tenantry.tenant.requested.v1");
        assertThat(envelope.source()).isEqualTo(SampleEvents.SOURCE);
        assertThat(envelope.time().getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(envelope.time()).isAfterOrEqualTo(before);
        assertThat(envelope.subject()).isEqualTo(SampleEvents.TENANT_ID);
        assertThat(envelope.causationId()).isNull();
        assertThat(envelope.correlationId()).isNull();
        assertThat(envelope.data()).isSameAs(requested);
        assertThat(envelope.eventType()).isEqualTo(EventType.TENANT_REQUESTED);
        assertThat(EventEnvelope.create(SampleEvents.SOURCE, requested).id()).isNotEqualTo(envelope.id());
    }

    @Test
    void causationChainsKeepTheFirstEventAsCorrelation() {
        EventEnvelope<TenantryEvent> command = SampleEvents.envelope(EventType.CREATE_TENANT);
        EventEnvelope<TenantRequested> request =
                EventEnvelope.create(SampleEvents.SOURCE, requested).withCausation(command);
        EventEnvelope<TenantryEvent> result =
                SampleEvents.envelope(EventType.TENANT_MIGRATED).withCausation(request);

        assertThat(request.causationId()).isEqualTo(command.id());
        assertThat(request.correlationId()).isEqualTo(command.id());
        assertThat(result.causationId()).isEqualTo(request.id());
        assertThat(result.correlationId()).isEqualTo(command.id());
        assertThat(command.correlationIdOrId()).isEqualTo(command.id());
    }

    @Test
    void withCorrelationIdAndTimeReturnCopies() {
        EventEnvelope<TenantRequested> original = EventEnvelope.create(SampleEvents.SOURCE, requested);
        OffsetDateTime time = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

        assertThat(original.withCorrelation("corr").correlationId()).isEqualTo("corr");
        assertThat(original.withCorrelation("corr").withCorrelation(null).correlationId())
                .isNull();
        assertThat(original.withId("outbox-42").id()).isEqualTo("outbox-42");
        assertThat(original.withTime(time).time()).isEqualTo(time);
        assertThat(original.correlationId()).isNull();
    }

    @Test
    void asNarrowsTheDataType() {
        EventEnvelope<TenantryEvent> envelope = SampleEvents.envelope(EventType.TENANT_ACTIVATED);
        assertThat(envelope.as(TenantActivated.class)).isPresent();
        assertThat(envelope.as(TenantMigrated.class)).isEmpty();
    }

    @Test
    void invalidEnvelopesAreRejectedNamingTheComponent() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        URI source = SampleEvents.SOURCE;
        String type = EventType.Types.TENANT_REQUESTED;
        String subject = requested.subject();

        assertThatThrownBy(() -> new EventEnvelope<>(" ", type, source, now, subject, null, null, requested))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.id");
        assertThatThrownBy(() -> new EventEnvelope<>("1", type, null, now, subject, null, null, requested))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.source");
        assertThatThrownBy(() -> new EventEnvelope<>("1", type, URI.create(""), now, subject, null, null, requested))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.source");
        assertThatThrownBy(() -> new EventEnvelope<>("1", type, source, null, subject, null, null, requested))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.time");
        assertThatThrownBy(() -> new EventEnvelope<>("1", type, source, now, "", null, null, requested))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.subject");
        assertThatThrownBy(() -> new EventEnvelope<>("1", type, source, now, subject, "", null, requested))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.causationId");
        assertThatThrownBy(() -> new EventEnvelope<TenantRequested>("1", type, source, now, subject, null, null, null))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.data");
        assertThatThrownBy(() -> new EventEnvelope<>(
                        "1", EventType.Types.TENANT_ACTIVATED, source, now, subject, null, null, requested))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("EventEnvelope.type")
                .hasMessageContaining("tenantry.tenant.requested.v1");
        assertThatThrownBy(() -> EventEnvelope.create(source, null)).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EventEnvelope.create(source, requested).withCausation(null))
                .isInstanceOf(InvalidEventException.class);
    }
}
