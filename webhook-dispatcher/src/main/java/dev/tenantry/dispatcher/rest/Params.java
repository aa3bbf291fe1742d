package dev.tenantry.dispatcher.rest;

import dev.tenantry.support.persistence.PageCursor;
import dev.tenantry.support.rest.ProblemException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Parses path and query parameters into problems a client can act on. */
final class Params {

    private Params() {}

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

    /**
     * Taken as text: a query parameter JAX-RS cannot convert to an int is answered 404, which
     * would tell a client the route does not exist instead of what is wrong with its request.
     */
    static int limit(String value, int absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("limit", "a whole number between 1 and 500");
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalidField("limit", "must be between 1 and 500");
        }
        return limit;
    }

    /** The position a previous page ended at; null for the first page. */
    static PageCursor cursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return PageCursor.decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor from a previous page");
        }
    }
}
