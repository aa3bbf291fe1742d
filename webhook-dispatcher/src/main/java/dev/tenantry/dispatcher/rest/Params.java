package dev.tenantry.dispatcher.rest;

import dev.tenantry.support.rest.ProblemException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Parses path and query parameters into problems a client can act on. */
final class Params {

    private Params() {
    }

    /** A malformed id names nothing: 404, like an unknown one. */
    static UUID pathId(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No " + what + " " + value);
        }
    }

    static UUID optionalUuid(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField(name, "not a UUID");
        }
    }

    static Instant optionalInstant(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(name, "not an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
        }
    }

    static Instant requiredInstant(String value, String name) {
        Instant instant = optionalInstant(value, name);
        if (instant == null) {
            throw ProblemException.invalidField(name, "required (RFC 3339 timestamp)");
        }
        return instant;
    }

    static int limit(int value) {
        if (value < 1 || value > 500) {
            throw ProblemException.invalidField("limit", "must be between 1 and 500");
        }
        return value;
    }
}
