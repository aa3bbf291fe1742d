package dev.tenantry.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The first column of a query's rows, as text: what a scenario lists when an invariant breaks. */
final class QueryRows {

    private QueryRows() {}

    static List<String> of(DataSource database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.getConnection();
                Statement query = connection.createStatement();
                ResultSet result = query.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
