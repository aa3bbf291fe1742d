package dev.tenantry.tenantctl.output;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Times on the command line: RFC 3339 instants, or "how long ago" such as 15m, 2h, 3d. */
public final class Times {

    private static final Pattern RELATIVE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Times() {}

    /** {@code 2026-01-31T12:00:00Z} as given, or {@code 2h} as two hours before {@code now}. */
    public static Instant since(String value, Instant now) {
        String text = value.trim();
        Duration ago = durationOrNull(text);
        if (ago != null) {
            return now.minus(ago);
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is neither a time such as 2026-01-31T12:00:00Z nor an "
                    + "age such as 30m, 2h or 7d");
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 {@code PT5M}. */
    public static Duration duration(String value) {
        Duration duration = durationOrNull(value.trim());
        if (duration != null) {
            return duration;
        }
        try {
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration such as 500ms, 30s, 5m, 2h or 7d");
        }
    }

    private static Duration durationOrNull(String text) {
        Matcher m = RELATIVE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A short human form of a duration: 850 ms, 12.3 s, 4 min 5 s. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }
}
