package dev.tenantry.contracts.tenant;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Field checks shared by the contract records. One instance per record type; every failure is
 * an {@link InvalidEventException} whose message starts with {@code <Owner>.<field>}.
 *
 * <p>Public because the records live in several packages; services may use it for their own
 * value checks too.
 */
public final class Validation {

    /** Flyway version text: digits separated by dots or underscores, e.g. {@code 3} or {@code 1.2}. */
    public static final Pattern VERSION = Pattern.compile("^[0-9]+([._][0-9]+)*$");

    private static final int MAX_SHOWN = 80;

    private final String owner;

    private Validation(String owner) {
        this.owner = owner;
    }

    /**
     * @param owner the simple name of the type being validated, used as message prefix
     * @return a validator for that type
     */
    public static Validation of(String owner) {
        return new Validation(owner);
    }

    private String name(String field) {
        return owner + "." + field;
    }

    private InvalidEventException fail(String field, String problem) {
        return new InvalidEventException(name(field), name(field) + " " + problem);
    }

    /**
     * Requires a non-null value.
     *
     * @param field component name
     * @param value the value
     * @param <T>   value type
     * @return the value
     */
    public <T> T notNull(String field, T value) {
        if (value == null) {
            throw fail(field, "is required but was null");
        }
        return value;
    }

    /**
     * Requires text that is not null and not blank.
     *
     * @param field component name
     * @param value the value
     * @return the value, unchanged
     */
    public String text(String field, String value) {
        if (value == null) {
            throw fail(field, "is required but was null");
        }
        if (value.isBlank()) {
            throw fail(field, "must not be blank");
        }
        return value;
    }

    /**
     * Accepts null; otherwise requires non-blank text.
     *
     * @param field component name
     * @param value the value or null
     * @return the value, unchanged
     */
    public String optionalText(String field, String value) {
        if (value != null && value.isBlank()) {
            throw fail(field, "must be null or non-blank");
        }
        return value;
    }

    /**
     * Requires a valid tenant slug, see {@link TenantSlug#PATTERN}.
     *
     * @param field component name
     * @param value the value
     * @return the value, unchanged
     */
    public String slug(String field, String value) {
        text(field, value);
        if (!TenantSlug.PATTERN.matcher(value).matches()) {
            throw fail(
                    field,
                    "must be a tenant slug matching " + TenantSlug.PATTERN.pattern()
                            + " (a lower-case letter, then 2 to 39 lower-case letters, digits or underscores), got "
                            + show(value));
        }
        return value;
    }

    /**
     * Requires a valid tenant schema name, see {@link TenantSchema#PATTERN}.
     *
     * @param field component name
     * @param value the value
     * @return the value, unchanged
     */
    public String schema(String field, String value) {
        text(field, value);
        if (!TenantSchema.PATTERN.matcher(value).matches()) {
            throw fail(
                    field,
                    "must be a PostgreSQL schema name matching " + TenantSchema.PATTERN.pattern() + ", got "
                            + show(value));
        }
        if (TenantSchema.isReserved(value)) {
            throw fail(
                    field,
                    "must not name a reserved or shared schema (pg_*, public, information_schema), got " + show(value));
        }
        return value;
    }

    /**
     * Requires a Flyway version, see {@link #VERSION}.
     *
     * @param field component name
     * @param value the value
     * @return the value, unchanged
     */
    public String version(String field, String value) {
        text(field, value);
        if (!VERSION.matcher(value).matches()) {
            throw fail(
                    field, "must be a migration version like 3 or 1.2 (" + VERSION.pattern() + "), got " + show(value));
        }
        return value;
    }

    /**
     * Accepts null; otherwise requires a Flyway version.
     *
     * @param field component name
     * @param value the value or null
     * @return the value, unchanged
     */
    public String optionalVersion(String field, String value) {
        return value == null ? null : version(field, value);
    }

    /**
     * Requires {@code value >= 0}.
     *
     * @param field component name
     * @param value the value
     * @return the value
     */
    public int nonNegative(String field, int value) {
        if (value < 0) {
            throw fail(field, "must not be negative, got " + value);
        }
        return value;
    }

    /**
     * Requires {@code value >= 0}.
     *
     * @param field component name
     * @param value the value
     * @return the value
     */
    public long nonNegative(String field, long value) {
        if (value < 0) {
            throw fail(field, "must not be negative, got " + value);
        }
        return value;
    }

    /**
     * Copies a string map: null becomes an empty map; keys must be non-blank and values
     * non-null. The copy is unmodifiable and keeps the iteration order.
     *
     * @param field component name
     * @param value the map or null
     * @return an unmodifiable copy, never null
     */
    public Map<String, String> stringMap(String field, Map<String, String> value) {
        if (value == null || value.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : value.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw fail(field, "must not contain null or blank keys");
            }
            if (e.getValue() == null) {
                throw fail(field, "must not contain null values (key " + show(e.getKey()) + ")");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Renders a rejected value for an error message: quoted, control characters escaped,
     * truncated.
     *
     * @param value any text, may be null
     * @return a printable representation
     */
    public static String show(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (value.length() > MAX_SHOWN) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
