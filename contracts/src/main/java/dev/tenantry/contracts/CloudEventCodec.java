package dev.tenantry.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.contracts.EventDecodingException.Reason;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.tenant.InvalidEventException;
import dev.tenantry.contracts.tenant.Validation;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one way Tenantry services encode and decode events: CloudEvents 1.0, Kafka protocol
 * binding, binary content mode.
 *
 * <p>On Kafka an event is a record whose key is the subject (the tenant id), whose value is the
 * UTF-8 JSON of the event data, and whose headers carry the context attributes:
 * {@code ce_specversion} ({@code 1.0}), {@code ce_id}, {@code ce_type}, {@code ce_source},
 * {@code ce_time} (RFC 3339), {@code ce_subject}, optionally {@code ce_causationid} and
 * {@code ce_correlationid}, and {@code content-type: application/json}.
 *
 * <p>Decoding accepts header values written as JSON strings (Debezium's JSON header converter
 * writes {@code "value"} with the quotes), ignores unknown data properties, and reports every
 * problem as an {@link EventDecodingException} with a {@link Reason}. Header checks come before
 * data checks, so an event of a type this code does not know is always {@link Reason#UNKNOWN_TYPE},
 * which a consumer may choose to skip.
 *
 * <p>Structured content mode ({@link #toStructuredJson}, {@link #fromStructuredJson}) is used for
 * webhooks and other JSON documents.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CloudEventCodec {

    /** The only supported CloudEvents spec version. */
    public static final String SPEC_VERSION = "1.0";
    /** Kafka header holding the spec version. */
    public static final String CE_SPECVERSION = "ce_specversion";
    /** Kafka header holding the event id. */
    public static final String CE_ID = "ce_id";
    /** Kafka header holding the event type. */
    public static final String CE_TYPE = "ce_type";
    /** Kafka header holding the event source. */
    public static final String CE_SOURCE = "ce_source";
    /** Kafka header holding the event time (RFC 3339). */
    public static final String CE_TIME = "ce_time";
    /** Kafka header holding the subject (also the record key). */
    public static final String CE_SUBJECT = "ce_subject";
    /** Kafka header holding the optional causation id extension. */
    public static final String CE_CAUSATIONID = "ce_causationid";
    /** Kafka header holding the optional correlation id extension. */
    public static final String CE_CORRELATIONID = "ce_correlationid";
    /** Kafka header holding the data content type. */
    public static final String CONTENT_TYPE = "content-type";
    /** Content type of the event data. */
    public static final String JSON = "application/json";
    /** Content type of a structured-mode CloudEvent document. */
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

    private static final String BINARY_PREFIX = "ce_";
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final CloudEventCodec SHARED = new CloudEventCodec();

    private final ObjectMapper mapper;

    /** A codec with its own {@link EventJson} mapper. */
    public CloudEventCodec() {
        this.mapper = EventJson.newMapper();
    }

    /** @return a shared instance */
    public static CloudEventCodec shared() {
        return SHARED;
    }

    // ------------------------------------------------------------------ encoding

    /**
     * @param event the event
     * @return its JSON, UTF-8 encoded (null optional properties left out)
     */
    public byte[] encodeData(TenantryEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * The binary-mode headers of an envelope, in order, as text. Useful where headers are
     * written as strings (outbox rows relayed by Debezium, HTTP).
     *
     * @param envelope the envelope
     * @return header name to value; causation/correlation only when present
     */
    public Map<String, String> headerMap(EventEnvelope<?> envelope) {
        if (envelope == null) {
            throw new IllegalArgumentException("envelope must not be null");
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put(CE_SPECVERSION, SPEC_VERSION);
        h.put(CE_ID, envelope.id());
        h.put(CE_TYPE, envelope.type());
        h.put(CE_SOURCE, envelope.source().toString());
        h.put(CE_TIME, formatTime(envelope.time()));
        h.put(CE_SUBJECT, envelope.subject());
        if (envelope.causationId() != null) {
            h.put(CE_CAUSATIONID, envelope.causationId());
        }
        if (envelope.correlationId() != null) {
            h.put(CE_CORRELATIONID, envelope.correlationId());
        }
        h.put(CONTENT_TYPE, JSON);
        return h;
    }

    /**
     * Writes the binary-mode headers, replacing any existing headers of the same names.
     *
     * @param envelope the envelope
     * @param headers  the Kafka headers to write to
     */
    public void writeHeaders(EventEnvelope<?> envelope, Headers headers) {
        if (headers == null) {
            throw new IllegalArgumentException("headers must not be null");
        }
        for (Map.Entry<String, String> e : headerMap(envelope).entrySet()) {
            headers.remove(e.getKey());
            headers.add(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        if (envelope.causationId() == null) {
            headers.remove(CE_CAUSATIONID);
        }
        if (envelope.correlationId() == null) {
            headers.remove(CE_CORRELATIONID);
        }
    }

    /**
     * A producer record for the envelope: key = subject, value = JSON data, CloudEvents headers.
     *
     * @param topic    target topic
     * @param envelope the envelope
     * @return the record (partition left to the partitioner)
     * @throws IllegalArgumentException if {@code topic} is one of {@link Topics#ALL} and the
     *                                  event is not published there
     */
    public ProducerRecord<String, byte[]> toRecord(String topic, EventEnvelope<?> envelope) {
        checkTopic(topic, envelope);
        Headers headers = new RecordHeaders();
        writeHeaders(envelope, headers);
        return new ProducerRecord<>(topic, null, envelope.subject(), encodeData(envelope.data()), headers);
    }

    /**
     * Rejects sending an event to one of the Tenantry topics it does not belong to. Other
     * topics (dead-letter, test topics) are accepted.
     *
     * @param topic    target topic
     * @param envelope the envelope
     */
    public void checkTopic(String topic, EventEnvelope<?> envelope) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be null or blank");
        }
        if (envelope == null) {
            throw new IllegalArgumentException("envelope must not be null");
        }
        EventType type = envelope.eventType();
        if (Topics.ALL.contains(topic) && !type.isPublishedOn(topic)) {
            throw new IllegalArgumentException(
                    type.simpleName() + " is not published on topic " + topic + " (its topics: " + type.topics() + ")");
        }
    }

    /**
     * The structured-mode JSON document of an envelope: {@code specversion}, {@code id},
     * {@code type}, {@code source}, {@code time}, {@code subject}, {@code datacontenttype},
     * {@code causationid}/{@code correlationid} when present, and {@code data}.
     *
     * @param envelope the envelope
     * @return the JSON text
     */
    public String toStructuredJson(EventEnvelope<?> envelope) {
        if (envelope == null) {
            throw new IllegalArgumentException("envelope must not be null");
        }
        ObjectNode node = mapper.createObjectNode();
        node.put("specversion", SPEC_VERSION);
        node.put("id", envelope.id());
        node.put("type", envelope.type());
        node.put("source", envelope.source().toString());
        node.put("time", formatTime(envelope.time()));
        node.put("subject", envelope.subject());
        node.put("datacontenttype", JSON);
        if (envelope.causationId() != null) {
            node.put("causationid", envelope.causationId());
        }
        if (envelope.correlationId() != null) {
            node.put("correlationid", envelope.correlationId());
        }
        node.set("data", mapper.valueToTree(envelope.data()));
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write CloudEvent " + envelope.id() + " as JSON", e);
        }
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes a Kafka record in binary mode.
     *
     * @param headers record headers, may be null (then {@link Reason#MISSING_HEADER})
     * @param value   record value, may be null (then {@link Reason#EMPTY_VALUE})
     * @return the envelope
     * @throws EventDecodingException for any problem
     */
    public EventEnvelope<TenantryEvent> decode(Headers headers, byte[] value) {
        return decodeBinary(
                name -> {
                    Header header = headers == null ? null : headers.lastHeader(name);
                    if (header == null || header.value() == null) {
                        return null;
                    }
                    return new String(header.value(), StandardCharsets.UTF_8);
                },
                value);
    }

    /**
     * Decodes binary-mode headers given as text (Debezium, HTTP, tests). Header names are
     * matched case-insensitively, and {@code ce-id} is accepted for {@code ce_id}.
     *
     * @param headers header name to value, may be null
     * @param value   event data, may be null (then {@link Reason#EMPTY_VALUE})
     * @return the envelope
     * @throws EventDecodingException for any problem
     */
    public EventEnvelope<TenantryEvent> decode(Map<String, String> headers, byte[] value) {
        return decodeBinary(name -> lookup(headers, name), value);
    }

    /**
     * Decodes a structured-mode JSON document.
     *
     * @param json the document, may be null (then {@link Reason#EMPTY_VALUE})
     * @return the envelope
     * @throws EventDecodingException for any problem
     */
    public EventEnvelope<TenantryEvent> fromStructuredJson(String json) {
        if (json == null || json.isBlank()) {
            throw new EventDecodingException(Reason.EMPTY_VALUE, "structured CloudEvent document is null or empty");
        }
        JsonNode root = parse(json.getBytes(StandardCharsets.UTF_8), "structured CloudEvent document");
        if (!root.isObject()) {
            throw new EventDecodingException(
                    Reason.MALFORMED_JSON,
                    "structured CloudEvent document must be a JSON object, got " + root.getNodeType());
        }
        return assemble(name -> attribute(root, name), "", "attribute", () -> {
            JsonNode data = root.get("data");
            if (data == null || data.isNull()) {
                if (root.hasNonNull("data_base64")) {
                    throw new EventDecodingException(
                            Reason.INVALID_DATA,
                            "attribute 'data_base64' is not supported; event data must be JSON in 'data'");
                }
                throw new EventDecodingException(Reason.EMPTY_VALUE, "attribute 'data' is missing or null");
            }
            return data;
        });
    }

    private EventEnvelope<TenantryEvent> decodeBinary(UnaryOperator<String> rawHeader, byte[] value) {
        if (value == null || value.length == 0) {
            throw new EventDecodingException(
                    Reason.EMPTY_VALUE,
                    "record value is " + (value == null ? "null" : "empty") + "; a CloudEvent needs JSON data");
        }
        UnaryOperator<String> header = name -> {
            String raw = rawHeader.apply(name);
            return raw == null ? null : unquote(raw);
        };
        return assemble(header, BINARY_PREFIX, "header", () -> {
            JsonNode node = parse(value, "record value");
            if (node == null || node.isMissingNode()) {
                throw new EventDecodingException(Reason.EMPTY_VALUE, "record value holds no JSON");
            }
            return node;
        });
    }

    @FunctionalInterface
    private interface DataSource {
        JsonNode get();
    }

    private EventEnvelope<TenantryEvent> assemble(
            UnaryOperator<String> attrs, String prefix, String kind, DataSource dataSource) {
        String specVersion = required(attrs, prefix + "specversion", kind);
        if (!SPEC_VERSION.equals(specVersion.trim())) {
            throw new EventDecodingException(
                    Reason.UNSUPPORTED_SPEC_VERSION,
                    kind + " '" + prefix + "specversion' is " + Validation.show(specVersion) + "; only " + SPEC_VERSION
                            + " is supported");
        }
        String typeText = required(attrs, prefix + "type", kind);
        EventType type = EventType.byType(typeText)
                .orElseThrow(() -> new EventDecodingException(
                        Reason.UNKNOWN_TYPE,
                        "unknown event type " + Validation.show(typeText) + " in " + kind + " '" + prefix + "type'"));
        String id = required(attrs, prefix + "id", kind);
        String sourceText = required(attrs, prefix + "source", kind);
        String timeText = required(attrs, prefix + "time", kind);
        String subject = required(attrs, prefix + "subject", kind);
        String causationId = optional(attrs, prefix + "causationid");
        String correlationId = optional(attrs, prefix + "correlationid");

        URI source;
        try {
            source = new URI(sourceText);
        } catch (URISyntaxException e) {
            throw new EventDecodingException(
                    Reason.INVALID_DATA,
                    kind + " '" + prefix + "source' " + Validation.show(sourceText) + " is not a URI reference: "
                            + e.getMessage(),
                    e);
        }
        OffsetDateTime time;
        try {
            time = parseTime(timeText);
        } catch (DateTimeParseException e) {
            throw new EventDecodingException(
                    Reason.INVALID_DATA,
                    kind + " '" + prefix + "time' " + Validation.show(timeText) + " is not an RFC 3339 timestamp",
                    e);
        }

        JsonNode dataNode = dataSource.get();
        if (!dataNode.isObject()) {
            throw new EventDecodingException(
                    Reason.INVALID_DATA,
                    "data of " + type.type() + " (" + type.simpleName() + ") must be a JSON object, got "
                            + dataNode.getNodeType());
        }
        TenantryEvent data = bind(type, dataNode);
        try {
            return new EventEnvelope<>(id, typeText, source, time, subject, causationId, correlationId, data);
        } catch (InvalidEventException e) {
            throw new EventDecodingException(
                    Reason.INVALID_DATA, "invalid envelope of " + type.type() + ": " + e.getMessage(), e);
        }
    }

    private TenantryEvent bind(EventType type, JsonNode node) {
        try {
            return mapper.treeToValue(node, type.eventClass());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventDecodingException(
                    Reason.INVALID_DATA,
                    "invalid data for " + type.type() + " (" + type.simpleName() + "): " + describe(e),
                    e);
        }
    }

    private static String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException) {
                return t.getMessage();
            }
        }
        String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (detail != null && detail.startsWith("Cannot map `null` into type")) {
            detail = "is required but was missing or null";
        }
        if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            String path = jme.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return "field '" + path + "': " + detail;
        }
        return detail;
    }

    private JsonNode parse(byte[] json, String what) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new EventDecodingException(Reason.MALFORMED_JSON, what + " is not well-formed JSON: " + detail, e);
        }
    }

    private static String required(UnaryOperator<String> attrs, String name, String kind) {
        String value = attrs.apply(name);
        if (value == null || value.isBlank()) {
            throw new EventDecodingException(
                    Reason.MISSING_HEADER, "required " + kind + " '" + name + "' is missing or empty");
        }
        return value;
    }

    private static String optional(UnaryOperator<String> attrs, String name) {
        String value = attrs.apply(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static String lookup(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String value = headers.get(name);
        if (value != null) {
            return value;
        }
        String dashed = name.startsWith(BINARY_PREFIX) ? "ce-" + name.substring(BINARY_PREFIX.length()) : name;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String key = e.getKey();
            if (key != null && e.getValue() != null && (key.equalsIgnoreCase(name) || key.equalsIgnoreCase(dashed))) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String attribute(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isContainerNode()) {
            throw new EventDecodingException(
                    Reason.INVALID_DATA, "attribute '" + name + "' must be a string, got " + value.getNodeType());
        }
        return value.asText();
    }

    /** Strips one pair of surrounding double quotes, decoding JSON escapes when possible. */
    private String unquote(String raw) {
        if (raw.length() >= 2 && raw.charAt(0) == '"' && raw.charAt(raw.length() - 1) == '"') {
            try {
                return mapper.readValue(raw, String.class);
            } catch (JsonProcessingException e) {
                return raw.substring(1, raw.length() - 1);
            }
        }
        return raw;
    }

    /**
     * @param time a timestamp
     * @return its RFC 3339 text, e.g. {@code 2025-01-02T03:04:05.123456Z} (seconds always present)
     */
    public static String formatTime(OffsetDateTime time) {
        return RFC_3339.format(time);
    }

    /**
     * @param text an RFC 3339 timestamp ({@code T}/{@code Z} in either case)
     * @return the parsed time, keeping its offset
     * @throws DateTimeParseException if it is not one
     */
    public static OffsetDateTime parseTime(String text) {
        return OffsetDateTime.parse(text.trim().toUpperCase(Locale.ROOT), RFC_3339);
    }
}
