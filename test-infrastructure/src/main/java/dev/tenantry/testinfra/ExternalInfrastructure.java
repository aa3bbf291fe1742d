package dev.tenantry.testinfra;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Servers that run elsewhere (CI services, a developer's own): {@code TENANTRY_TEST_POSTGRES_URL}
 * ({@code _USER}, {@code _PASSWORD} optional) and {@code TENANTRY_TEST_KAFKA_BOOTSTRAP}. Each
 * JVM gets a database of its own, {@code tenantry_it_<random>}, dropped at exit unless
 * {@code TENANTRY_TEST_KEEP_DATABASE=true}.
 */
final class ExternalInfrastructure implements RunningInfrastructure {

    private static final Logger LOG = Logger.getLogger(ExternalInfrastructure.class);
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$");

    private final String adminUrl;
    private final String url;
    private final String user;
    private final String password;
    private final String database;
    private final String bootstrap;
    private final String summary;

    private ExternalInfrastructure(
            String adminUrl,
            String url,
            String user,
            String password,
            String database,
            String bootstrap,
            String summary) {
        this.adminUrl = adminUrl;
        this.url = url;
        this.user = user;
        this.password = password;
        this.database = database;
        this.bootstrap = bootstrap;
        this.summary = summary;
    }

    static ExternalInfrastructure start() {
        String adminUrl = Settings.get(Settings.POSTGRES_URL).orElseThrow();
        String user = Settings.get(Settings.POSTGRES_USER).orElse(null);
        String password = Settings.get(Settings.POSTGRES_PASSWORD).orElse(null);
        String bootstrap = Settings.get(Settings.KAFKA_BOOTSTRAP).orElseThrow();
        long begin = System.nanoTime();
        String database = TestNames.unique("tenantry_it");
        String version;
        try (Connection c = connect(adminUrl, user, password)) {
            String walLevel = Databases.show(c, "wal_level");
            if (!"logical".equals(walLevel)) {
                LOG.warnf(
                        "external PostgreSQL has wal_level=%s; the outbox relay (logical decoding) needs"
                                + " wal_level=logical",
                        walLevel);
            }
            version = Databases.show(c, "server_version");
            Databases.createIfMissing(c, database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare a test database on " + adminUrl, e);
        }
        String summary = String.format(
                java.util.Locale.ROOT,
                "external (PostgreSQL %s, database %s created in %.1f s; Kafka %s)",
                version,
                database,
                (System.nanoTime() - begin) / 1e9,
                bootstrap);
        return new ExternalInfrastructure(
                adminUrl, withDatabase(adminUrl, database), user, password, database, bootstrap, summary);
    }

    /** The same JDBC URL pointing at another database; query parameters are kept. */
    static String withDatabase(String jdbcUrl, String database) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected jdbc:postgresql://host[:port][/database][?params], got " + jdbcUrl);
        }
        return m.group(1) + "/" + database + (m.group(3) != null ? m.group(3) : "");
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return new org.postgresql.Driver().connect(url, p);
    }

    @Override
    public String provider() {
        return ProviderSelection.EXTERNAL;
    }

    @Override
    public String jdbcUrl() {
        return url;
    }

    @Override
    public String username() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String kafkaBootstrapServers() {
        return bootstrap;
    }

    @Override
    public boolean canRestartPostgres() {
        return false;
    }

    @Override
    public void stopPostgres() {
        throw new UnsupportedOperationException("an external PostgreSQL cannot be stopped by tests");
    }

    @Override
    public void startPostgres() {
        throw new UnsupportedOperationException("an external PostgreSQL cannot be started by tests");
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public void close() {
        if (Settings.get(Settings.KEEP_DATABASE).map(Boolean::parseBoolean).orElse(false)) {
            return;
        }
        try (Connection c = connect(adminUrl, user, password)) {
            Databases.dropForcibly(c, database);
        } catch (SQLException e) {
            LOG.warnf("could not drop test database %s: %s", database, e.toString());
        }
    }
}
