package dev.tenantry.support.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in a list paged in (created_at, id) order, opaque to clients. Both never change for a
 * row, so a cursor stays valid while rows are added or removed: the next page starts right after
 * the last row a client saw, whatever was inserted meanwhile, and no row is seen twice.
 */
public record PageCursor(Instant createdAt, UUID id) {

    public String encode() {
        long micros = createdAt.getEpochSecond() * 1_000_000L + createdAt.getNano() / 1_000;
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((micros + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if the text is not a cursor this service issued */
    public static PageCursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            long micros = Long.parseLong(plain.substring(0, bar));
            UUID id = UUID.fromString(plain.substring(bar + 1));
            return new PageCursor(
                    Instant.ofEpochSecond(
                            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L),
                    id);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid cursor", e);
        }
    }
}
