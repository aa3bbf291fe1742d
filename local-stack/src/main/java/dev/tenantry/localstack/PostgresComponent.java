package dev.tenantry.localstack;

import dev.tenantry.testinfra.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The embedded PostgreSQL as a supervised component, started and stopped through
 * {@link EmbeddedPostgresServer} like at the stack's start (pg_ctl would refuse to run as root).
 */
final class PostgresComponent implements Component {

    private final EmbeddedPostgresServer server;
    private final String database;
    private volatile Long postmasterPid;

    PostgresComponent(EmbeddedPostgresServer server, String database) {
        this.server = server;
        this.database = database;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public synchronized void start() throws IOException {
        if (isAlive()) {
            return;
        }
        // After a crash the server object still holds the old instance: let it go first.
        stop();
        server.start();
        server.createDatabase(database);
        postmasterPid = readPostmasterPid().orElse(null);
    }

    @Override
    public synchronized void stop() {
        removeStaleLock();
        try {
            server.stop();
        } catch (RuntimeException e) {
            // pg_ctl finds no server to stop when the postmaster had crashed: nothing left to do.
        }
        postmasterPid = null;
    }

    @Override
    public boolean isAlive() {
        return pid().isPresent();
    }

    @Override
    public Optional<Long> pid() {
        Long pid = postmasterPid;
        // The postmaster is not our child (pg_ctl starts it): a killed one may stay a zombie, which
        // ProcessHandle does not report as alive.
        return pid == null
                ? Optional.empty()
                : ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
    }

    @Override
    public OptionalInt exitStatus() {
        return OptionalInt.empty();
    }

    @Override
    public boolean isReady() {
        if (!isAlive()) {
            return false;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server.jdbcUrl(database));
        ds.setUser(server.username());
        ds.setPassword(server.password());
        ds.setConnectTimeout(2);
        ds.setLoginTimeout(3);
        ds.setSocketTimeout(3);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            return s.execute("SELECT 1");
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * A killed postmaster leaves {@code postmaster.pid} behind, and PostgreSQL refuses to start
     * while the pid in it answers a signal, which a zombie postmaster does. Removed only when no
     * live process has that pid.
     */
    private void removeStaleLock() {
        Path lock = server.dataDirectory().resolve("postmaster.pid");
        Optional<Long> recorded = readPostmasterPid();
        if (recorded.isPresent()
                && ProcessHandle.of(recorded.get())
                        .filter(ProcessHandle::isAlive)
                        .isEmpty()) {
            try {
                Files.deleteIfExists(lock);
            } catch (IOException e) {
                // PostgreSQL's own start reports the lock file if it is still in the way.
            }
        }
    }

    private Optional<Long> readPostmasterPid() {
        try {
            List<String> lines =
                    Files.readAllLines(server.dataDirectory().resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
