package dev.tenantry.provisioning.messaging.relay;

import java.util.Properties;
import org.postgresql.Driver;

/**
 * The Debezium embedded engine's configuration for the relay: the PostgreSQL connector on the
 * relay's slot and publication (pgoutput, no snapshot), the outbox EventRouter for outbox rows
 * only, heartbeats, and offsets kept in PostgreSQL beside the outbox.
 */
final class RelayEngineProperties {

    private RelayEngineProperties() {}

    static Properties of(RelaySettings settings) {
        Properties parsed = Driver.parseURL(settings.jdbcUrl(), null);
        if (parsed == null) {
            throw new IllegalArgumentException("Cannot parse the JDBC URL of the relay");
        }
        Properties p = new Properties();
        p.setProperty("name", settings.engineName());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.hostname", firstOf(parsed.getProperty("PGHOST"), "localhost"));
        p.setProperty("database.port", firstOf(parsed.getProperty("PGPORT"), "5432"));
        p.setProperty("database.dbname", parsed.getProperty("PGDBNAME"));
        p.setProperty("database.user", settings.user());
        if (settings.password() != null) {
            p.setProperty("database.password", settings.password());
        }
        p.setProperty("topic.prefix", settings.topicPrefix());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", settings.slotName());
        p.setProperty("publication.name", settings.publicationName());
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", settings.outboxTable() + "," + settings.heartbeatTable());
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
        // Debezium retries a failing connection by itself, by default forever. A slot PostgreSQL
        // cannot decode fails the same way on every retry, so the engine gives up after a few
        // and this relay's own loop, which can recreate such a slot, starts it again.
        p.setProperty("errors.max.retries", "3");
        p.setProperty("retriable.restart.connector.wait.ms", "2000");
        // The slot may still be held for a moment by a relay that just stopped elsewhere.
        p.setProperty("slot.max.retries", "30");
        p.setProperty("slot.retry.delay.ms", "1000");
        p.setProperty(
                "heartbeat.interval.ms",
                Long.toString(settings.heartbeatInterval().toMillis()));
        p.setProperty(
                "heartbeat.action.query",
                "WITH old AS (DELETE FROM " + settings.heartbeatTable()
                        + " WHERE beat_at < now() - interval '1 hour') INSERT INTO " + settings.heartbeatTable()
                        + " (beat_at) VALUES (now())");
        p.setProperty("offset.storage", PostgresOffsetBackingStore.class.getName());
        p.setProperty(PostgresOffsetBackingStore.URL, settings.jdbcUrl());
        p.setProperty(PostgresOffsetBackingStore.USER, settings.user());
        if (settings.password() != null) {
            p.setProperty(PostgresOffsetBackingStore.PASSWORD, settings.password());
        }
        p.setProperty(PostgresOffsetBackingStore.TABLE, settings.offsetTable());
        p.setProperty(
                "offset.flush.interval.ms",
                Long.toString(settings.offsetFlushInterval().toMillis()));
        p.setProperty("converter.schemas.enable", "false");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        p.setProperty("header.converter.schemas.enable", "false");
        // The outbox router applies to outbox rows only; heartbeat rows pass through and are skipped.
        p.setProperty("predicates", "isOutbox");
        p.setProperty("predicates.isOutbox.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        p.setProperty(
                "predicates.isOutbox.pattern",
                java.util.regex.Pattern.quote(settings.topicPrefix() + "." + settings.outboxTable()));
        p.setProperty("transforms", "outbox");
        p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("transforms.outbox.predicate", "isOutbox");
        p.setProperty("transforms.outbox.route.by.field", "topic");
        p.setProperty("transforms.outbox.route.topic.replacement", "${routedByValue}");
        p.setProperty("transforms.outbox.table.field.event.key", "aggregateid");
        p.setProperty("transforms.outbox.table.expand.json.payload", "false");
        p.setProperty(
                "transforms.outbox.table.fields.additional.placement",
                String.join(
                        ",",
                        OutboxRecords.CE_HEADERS.stream()
                                .map(column -> column + ":header:" + column)
                                .toList()));
        return p;
    }

    private static String firstOf(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.split(",")[0];
    }
}
