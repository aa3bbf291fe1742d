package dev.tenantry.testinfra;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Names that keep tests apart on shared servers: usable unquoted as PostgreSQL identifiers
 * (schemas, tables, replication slots, publications, databases) and as Kafka topic and
 * consumer group names.
 */
public final class TestNames {

    /** PostgreSQL truncates identifiers longer than this (NAMEDATALEN - 1). */
    static final int MAX_LENGTH = 63;

    private static final int SUFFIX_LENGTH = 8;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestNames() {}

    /**
     * {@code prefix + "_" + 8 random [a-z0-9]}, lower case. Characters other than
     * {@code [a-z0-9_]} in the prefix become {@code _}; a prefix that does not start with a
     * letter gets {@code t} in front; a long prefix is cut so the whole stays within 63
     * characters.
     */
    public static String unique(String prefix) {
        String base = sanitize(prefix == null ? "" : prefix);
        int maxBase = MAX_LENGTH - 1 - SUFFIX_LENGTH;
        if (base.length() > maxBase) {
            base = base.substring(0, maxBase);
        }
        return base + "_" + randomSuffix(SUFFIX_LENGTH);
    }

    static String sanitize(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 1);
        for (char c : prefix.toLowerCase(Locale.ROOT).toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            sb.append(ok ? c : '_');
        }
        if (sb.length() == 0 || !(sb.charAt(0) >= 'a' && sb.charAt(0) <= 'z')) {
            sb.insert(0, 't');
        }
        return sb.toString();
    }

    static String randomSuffix(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
