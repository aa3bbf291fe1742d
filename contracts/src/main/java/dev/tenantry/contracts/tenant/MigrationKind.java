package dev.tenantry.contracts.tenant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Whether a migration run created a new tenant schema or upgraded an existing one. In JSON it
 * is written in lower case: {@code "new"} or {@code "upgrade"}.
 */
public enum MigrationKind {
    /** A new tenant's schema was created and migrated from scratch. */
    NEW,
    /** An existing tenant's schema was migrated to a later version. */
    UPGRADE;

    /** @return the JSON form: {@code "new"} or {@code "upgrade"} */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the JSON form (case-insensitive).
     *
     * @param value {@code "new"} or {@code "upgrade"}
     * @return the kind
     * @throws InvalidEventException for any other value
     */
    @JsonCreator
    public static MigrationKind fromWire(String value) {
        if (value != null) {
            for (MigrationKind kind : values()) {
                if (kind.name().equalsIgnoreCase(value)) {
                    return kind;
                }
            }
        }
        throw new InvalidEventException("kind", "kind must be \"new\" or \"upgrade\", got " + Validation.show(value));
    }
}
