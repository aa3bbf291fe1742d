package dev.tenantry.provisioning.messaging.relay;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.jboss.logging.Logger;

/**
 * Debezium offsets (the relay's replication position) in a PostgreSQL table, so they survive the
 * pod and are shared by every replica: whichever takes over the relay continues where the last
 * one stopped. Debezium 3.4 has no JDBC offset store of its own on Maven Central.
 *
 * <p>Instantiated by the Debezium engine by class name; configured with the {@code offset.storage.
 * tenantry.*} properties.
 */
public class PostgresOffsetBackingStore extends MemoryOffsetBackingStore {

    public static final String URL = "offset.storage.tenantry.jdbc.url";
    public static final String USER = "offset.storage.tenantry.jdbc.user";
    public static final String PASSWORD = "offset.storage.tenantry.jdbc.password";
    public static final String TABLE = "offset.storage.tenantry.table";

    private static final Logger LOG = Logger.getLogger(PostgresOffsetBackingStore.class);
    private static final Pattern QUALIFIED_NAME = Pattern.compile("^([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*$");

    private String url;
    private String user;
    private String password;
    private String table;
    private Connection connection;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, String> settings = config.originalsStrings();
        url = require(settings, URL);
        user = settings.get(USER);
        password = settings.get(PASSWORD);
        table = require(settings, TABLE);
        if (!QUALIFIED_NAME.matcher(table).matches()) {
            throw new ConnectException("Not a valid offset table name: " + table);
        }
    }

    @Override
    public synchronized void start() {
        super.start();
        try {
            load();
        } catch (SQLException e) {
            throw new ConnectException("Cannot read relay offsets from " + table, e);
        }
    }

    @Override
    public synchronized void stop() {
        super.stop();
        closeConnection();
    }

    private void load() throws SQLException {
        try (PreparedStatement select = connection().prepareStatement("SELECT offset_key, offset_value FROM " + table);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                byte[] value = rows.getBytes(2);
                data.put(ByteBuffer.wrap(rows.getBytes(1)), value == null ? null : ByteBuffer.wrap(value));
            }
        }
        LOG.debugf("Loaded %d relay offset(s) from %s", data.size(), table);
    }

    /** Runs on the store's executor after every offset flush; one row per source partition. */
    @Override
    protected void save() {
        String upsert = "INSERT INTO " + table + " (offset_key, offset_value, updated_at) VALUES (?, ?, now()) "
                + "ON CONFLICT (offset_key) DO UPDATE SET offset_value = excluded.offset_value, updated_at = now()";
        try {
            Connection c = connection();
            try (PreparedStatement statement = c.prepareStatement(upsert)) {
                for (Map.Entry<ByteBuffer, ByteBuffer> entry : data.entrySet()) {
                    statement.setBytes(1, bytes(entry.getKey()));
                    statement.setBytes(2, entry.getValue() == null ? null : bytes(entry.getValue()));
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        } catch (SQLException e) {
            // Reconnect on the next flush; Debezium reports the failed flush and retries later.
            closeConnection();
            throw new ConnectException("Cannot write relay offsets to " + table, e);
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        // Only used by Kafka Connect's REST API for offset management, which the embedded engine lacks.
        return Set.of();
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, user, password);
            connection.setAutoCommit(true);
            OutboxRelay.commitLocally(connection);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the offset store connection failed", e);
            }
            connection = null;
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static String require(Map<String, String> settings, String key) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new ConnectException("Missing relay offset store setting " + key);
        }
        return value;
    }
}
