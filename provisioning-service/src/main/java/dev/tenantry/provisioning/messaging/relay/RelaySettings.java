package dev.tenantry.provisioning.messaging.relay;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What one outbox relay needs: where PostgreSQL is, which slot, publication and lock it uses, and
 * its timings. Two relays with the same slot name compete for one advisory lock; only the holder
 * runs its engine.
 */
public record RelaySettings(
        String engineName,
        String jdbcUrl,
        String user,
        String password,
        String schema,
        String slotName,
        String publicationName,
        Duration pollInterval,
        Duration standbyRetryInterval,
        Duration offsetFlushInterval,
        Duration heartbeatInterval,
        Duration restartBackoff) {

    private static final Pattern IDENTIFIER = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
    private static final Pattern ENGINE_NAME = Pattern.compile("^[A-Za-z0-9_.-]{1,100}$");

    public static final String OUTBOX_TABLE = "provisioning_outbox";
    public static final String HEARTBEAT_TABLE = "provisioning_outbox_heartbeat";
    public static final String OFFSET_TABLE = "provisioning_relay_offset";

    public RelaySettings {
        require(IDENTIFIER, "schema", schema);
        require(IDENTIFIER, "slotName", slotName);
        require(IDENTIFIER, "publicationName", publicationName);
        require(ENGINE_NAME, "engineName", engineName);
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must be a PostgreSQL JDBC URL");
        }
    }

    public String outboxTable() {
        return schema + "." + OUTBOX_TABLE;
    }

    public String heartbeatTable() {
        return schema + "." + HEARTBEAT_TABLE;
    }

    public String offsetTable() {
        return schema + "." + OFFSET_TABLE;
    }

    /** Debezium's logical server name: prefix of the topics of records that bypass the router. */
    public String topicPrefix() {
        return "tenantry_relay_" + slotName;
    }

    /** A copy for another slot (tests, or a second independent relay). */
    public RelaySettings withSlot(String engineName, String slotName, String publicationName) {
        return new RelaySettings(
                engineName,
                jdbcUrl,
                user,
                password,
                schema,
                slotName,
                publicationName,
                pollInterval,
                standbyRetryInterval,
                offsetFlushInterval,
                heartbeatInterval,
                restartBackoff);
    }

    @Override
    public String toString() {
        // Never the password.
        return "RelaySettings[engine=" + engineName + ", slot=" + slotName + ", publication=" + publicationName
                + ", schema=" + schema + "]";
    }

    private static void require(Pattern pattern, String name, String value) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must match " + pattern.pattern() + ", got " + value);
        }
    }
}
