package dev.tenantry.tenantctl.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** A path with query parameters; null values are left out, everything is URL-encoded. */
public final class Query {

    private final String path;
    private final StringJoiner params = new StringJoiner("&");

    private Query(String path) {
        this.path = path;
    }

    public static Query path(String path) {
        return new Query(path);
    }

    /** Encodes one path segment (ids, slugs, topic names). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public Query param(String name, Object value) {
        if (value != null && !value.toString().isEmpty()) {
            params.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        }
        return this;
    }

    @Override
    public String toString() {
        return params.length() == 0 ? path : path + "?" + params;
    }
}
