package dev.tenantry.dispatcher.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Deletes finished deliveries past their retention, a bounded chunk per statement so no transaction grows large. */
@ApplicationScoped
public class RetentionRepository {

    // Finished deliveries only: pending and delivering rows are still work, however old.
    private static final String DELETE_DELIVERIES = """
            DELETE FROM webhook_delivery
             WHERE id IN (SELECT id FROM webhook_delivery
                           WHERE status IN ('delivered', 'failed') AND created_at < ?
                           LIMIT ?)
            """;

    /** @return rows deleted (their attempts go with them) */
    public int deleteFinishedDeliveries(Connection connection, Instant before, int limit) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_DELIVERIES)) {
            delete.setTimestamp(1, Jdbc.timestamp(before));
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }
}
