package dev.tenantry.contracts.tenant;

/**
 * Thrown when an event, envelope or tenant value is constructed with invalid content: a
 * required field is null or blank, a slug or schema name is malformed, a count is negative.
 *
 * <p>It is an {@link IllegalArgumentException}, so callers that only know the JDK type can
 * still catch it. The message always names the offending field.
 */
public class InvalidEventException extends IllegalArgumentException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The offending field, or null. */
    private final String field;

    /**
     * @param field   the offending field, e.g. {@code "TenantRequested.slug"}; may be null
     * @param message what is wrong, naming the field
     */
    public InvalidEventException(String field, String message) {
        super(message);
        this.field = field;
    }

    /**
     * @return the offending field as {@code Record.component}, or null when not field-specific
     */
    public String field() {
        return field;
    }
}
