package dev.tenantry.dispatcher.repository;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Small conversions the repositories share. */
final class Jdbc {

    private Jdbc() {}

    static Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp value = rows.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    static Integer nullableInt(ResultSet rows, String column) throws SQLException {
        int value = rows.getInt(column);
        return rows.wasNull() ? null : value;
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** A text[] parameter; null for an empty list (the column means "no filter"). */
    static Array textArrayOrNull(Connection connection, List<String> values) throws SQLException {
        return values == null || values.isEmpty() ? null : connection.createArrayOf("text", values.toArray());
    }

    static List<String> textList(ResultSet rows, String column) throws SQLException {
        Array array = rows.getArray(column);
        if (array == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    /** PostgreSQL text cannot hold NUL; a receiver's body might. */
    static String safeText(String value) {
        return value == null ? null : value.replace('\u0000', '\uFFFD');
    }
}
