package dev.tenantry.contracts;

/**
 * Thrown by {@link CloudEventCodec} (and the Kafka serde) for any record or document it cannot
 * turn into an {@link EventEnvelope}. {@link #reason()} classifies the problem so consumers can
 * decide between skipping, dead-lettering and alerting; the message names the header,
 * attribute, field or type involved.
 */
public class EventDecodingException extends RuntimeException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** What kind of problem prevented decoding. */
    public enum Reason {
        /** A required {@code ce_*} header (or structured-mode attribute) is absent or empty. */
        MISSING_HEADER,
        /** {@code ce_specversion} is not {@code 1.0}. */
        UNSUPPORTED_SPEC_VERSION,
        /** {@code ce_type} is not a known {@link EventType}, e.g. an event newer than this code. */
        UNKNOWN_TYPE,
        /** The value is not well-formed JSON. */
        MALFORMED_JSON,
        /** The JSON, or an envelope attribute, does not form a valid event. */
        INVALID_DATA,
        /** The value is null or empty (e.g. a tombstone). */
        EMPTY_VALUE
    }

    /** The classification of the problem. */
    private final Reason reason;

    /**
     * @param reason  the classification
     * @param message description naming the header/field/type
     */
    public EventDecodingException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * @param reason  the classification
     * @param message description naming the header/field/type
     * @param cause   underlying exception, may be null
     */
    public EventDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return the classification of the problem */
    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + reason + "]: " + getMessage();
    }
}
