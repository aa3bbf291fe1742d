package dev.tenantry.faults;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Makes a tenant's first migration fail, the way a conflicting leftover would: its schema made
 * beforehand with a {@code customers} table the first migration cannot create again. The
 * worker's rollback then drops the schema: no tenant owns it yet when the rollback comes, so it
 * is the failed tenant's to drop (TenantMigrationService#rollBack only spares a schema recorded
 * as another tenant's). The scenario therefore leaves it to the system and lets the checker judge.
 */
final class DoomedSchema {

    private final DataSource database;

    DoomedSchema(DataSource database) {
        this.database = database;
    }

    void prepare(String slug) throws SQLException {
        String schema = "tenant_" + slug;
        try (Connection connection = database.getConnection();
                Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE SCHEMA " + schema);
            ddl.execute("CREATE TABLE " + schema + ".customers (unexpected integer)");
        }
    }
}
