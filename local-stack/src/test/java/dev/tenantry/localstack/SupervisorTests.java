package dev.tenantry.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's decisions, on components that are plain objects (their processes are
 * exercised by SupervisionIT): what it restarts, what it leaves down, what it reports.
 */
class SupervisorTests {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final FakeComponent broker = new FakeComponent("kafka", 9092);
    private final FakeComponent service = new FakeComponent("provisioning-service", 8081);
    private final Supervisor supervisor = new Supervisor(
            List.of(broker, service),
            () -> new RestartBackoff(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMinutes(1)),
            Clock.systemUTC(),
            new PrintStream(console, true, StandardCharsets.UTF_8));

    @AfterEach
    void close() {
        supervisor.close();
    }

    @Test
    void aCrashedComponentIsStartedAgainAndTheCrashAndRestartArePrinted() throws Exception {
        broker.start();
        service.start();
        supervisor.begin();
        await().atMost(PATIENCE).until(() -> row("kafka").state().equals("running"));

        long crashedPid = broker.pid().orElseThrow();
        broker.crash(137);

        await().atMost(PATIENCE)
                .until(() ->
                        row("kafka").state().equals("running") && row("kafka").restarts() == 1);
        assertThat(row("kafka").pid()).isNotEqualTo(crashedPid);
        assertThat(row("provisioning-service").restarts()).isZero();
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("[supervisor] kafka (pid " + crashedPid + ") exited with status 137; restarting in 20 ms")
                .contains("[supervisor] kafka restarted after a crash (pid "
                        + row("kafka").pid() + ", restart 1)");
    }

    @Test
    void aComponentThatFailsToStartIsTriedAgainUntilItStarts() throws Exception {
        broker.start();
        service.start();
        supervisor.begin();
        await().atMost(PATIENCE).until(() -> row("provisioning-service").state().equals("running"));

        service.failNextStarts(2);
        service.crash(1);

        await().atMost(PATIENCE)
                .until(() -> row("provisioning-service").state().equals("running")
                        && row("provisioning-service").restarts() == 1);
        assertThat(service.starts.get()).isEqualTo(4);
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("[supervisor] provisioning-service did not start (port taken); next attempt in 40 ms")
                .contains("next attempt in 80 ms");
    }

    @Test
    void aStoppedComponentStaysDownUntilRestarted() throws Exception {
        broker.start();
        service.start();
        supervisor.begin();
        await().atMost(PATIENCE).until(() -> row("provisioning-service").state().equals("running"));

        ComponentStatus stopped = supervisor.stop("provisioning-service").get(10, TimeUnit.SECONDS);
        assertThat(stopped.state()).isEqualTo("stopped");
        assertThat(stopped.pid()).isNull();
        assertThat(stopped.ready()).isFalse();

        // The broker crashing and coming back takes several watch rounds; the stopped service stays down.
        broker.crash(137);
        await().atMost(PATIENCE)
                .until(() ->
                        row("kafka").restarts() == 1 && row("kafka").state().equals("running"));
        assertThat(service.isAlive()).isFalse();
        assertThat(row("provisioning-service").state()).isEqualTo("stopped");
        assertThat(service.starts.get()).isEqualTo(1);

        supervisor.restart("provisioning-service").get(10, TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> row("provisioning-service").state().equals("running"));
        assertThat(row("provisioning-service").restarts()).isEqualTo(1);
    }

    @Test
    void aRunningComponentThatIsNotReadyIsReportedSoAndNotRestarted() throws Exception {
        broker.start();
        service.start();
        service.ready = false;
        supervisor.begin();
        await().atMost(PATIENCE).until(() -> row("kafka").state().equals("running"));
        await().atMost(PATIENCE).until(() -> row("provisioning-service").state().equals("not ready"));
        assertThat(row("provisioning-service").pid()).isEqualTo(service.pid().orElseThrow());
        assertThat(row("provisioning-service").restarts()).isZero();

        service.ready = true;
        await().atMost(PATIENCE).until(() -> row("provisioning-service").ready());
    }

    private ComponentStatus row(String name) {
        return supervisor.status().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** A component whose "process" is a pid counter and a flag. */
    private static final class FakeComponent implements Component {
        private static final AtomicLong PIDS = new AtomicLong(1000);

        final AtomicInteger starts = new AtomicInteger();
        private final String name;
        private final int port;
        private final AtomicInteger failingStarts = new AtomicInteger();
        private volatile Long pid;
        private volatile Integer exitStatus;
        volatile boolean ready = true;

        FakeComponent(String name, int port) {
            this.name = name;
            this.port = port;
        }

        void crash(int status) {
            exitStatus = status;
            pid = null;
        }

        void failNextStarts(int count) {
            failingStarts.set(count);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public void start() throws IOException {
            starts.incrementAndGet();
            if (failingStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("port taken");
            }
            exitStatus = null;
            pid = PIDS.incrementAndGet();
        }

        @Override
        public void stop() {
            if (pid != null) {
                crash(143);
            }
        }

        @Override
        public boolean isAlive() {
            return pid != null;
        }

        @Override
        public Optional<Long> pid() {
            return Optional.ofNullable(pid);
        }

        @Override
        public OptionalInt exitStatus() {
            return exitStatus == null ? OptionalInt.empty() : OptionalInt.of(exitStatus);
        }

        @Override
        public boolean isReady() {
            return pid != null && ready;
        }
    }
}
