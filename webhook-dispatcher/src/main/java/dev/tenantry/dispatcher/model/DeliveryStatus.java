package dev.tenantry.dispatcher.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a delivery stands. Only pending and delivering rows are ever due. */
public enum DeliveryStatus {
    PENDING,
    DELIVERING,
    DELIVERED,
    FAILED;

    @JsonValue
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
