package dev.tenantry.contracts.tenant;

import java.util.regex.Pattern;

/**
 * A tenant's slug: its short, unique, URL- and SQL-safe name, e.g. {@code acme_corp}.
 *
 * <p>Format {@code ^[a-z][a-z0-9_]{2,39}$}: a lower-case letter followed by 2 to 39 lower-case
 * letters, digits or underscores (3 to 40 characters in total).
 *
 * @param value the slug
 */
public record TenantSlug(String value) {

    /** The slug format. */
    public static final Pattern PATTERN = Pattern.compile("^[a-z][a-z0-9_]{2,39}$");

    private static final Validation CHECK = Validation.of("TenantSlug");

    /**
     * Creates the record, validating every component.
     *
     * @param value the slug
     * @throws dev.tenantry.contracts.tenant.InvalidEventException naming the first invalid component
     */
    public TenantSlug {
        CHECK.slug("value", value);
    }

    /**
     * @param value candidate slug, may be null
     * @return whether {@code value} is a valid slug
     */
    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    /** @return the slug text */
    @Override
    public String toString() {
        return value;
    }
}
