package dev.tenantry.benchmarks;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Scenario 1: POST /tenants → TenantActivated seen on Kafka, one client at a time and ten at
 * once, each client waiting for its tenant before the next signup. The floor does the least any
 * such signup must do: the demo schema's DDL in one JDBC transaction plus one Kafka round trip,
 * with the same number of clients.
 */
final class SignupLatencyScenario implements Scenario {

    static final String ID = "signup-latency";
    private static final int CLIENTS = 10;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "POST → ACTIVE latency, demo schema, 1 and " + CLIENTS + " clients; floor: the DDL in one JDBC "
                + "transaction + one Kafka round trip";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        int sequential = context.size(50, 10);
        int perClient = context.size(10, 3);
        DataSource database = context.system().dataSource();
        DemoSchema demo = DemoSchema.current(context);
        Figures figures = context.figures();
        try (ActivationWatch watch = ActivationWatch.start(context.system().kafkaBootstrap())) {
            Signups signups = new Signups(context, watch);
            // Warm-up: the services' JIT and pools, and the floor's connections and topic.
            Clients.repeat(CLIENTS, perClient, () -> signups.signUpAndWait(context.slug("warm")));
            floor(context, demo, database, 1, 5);
            for (int r = 0; r < context.repeats(); r++) {
                figures.info(ID, "spare pool before each phase", "schemas", Signups.awaitSparePoolFull(database));
                List<Long> one = Clients.repeat(1, sequential, () -> signups.signUpAndWait(context.slug("seq")));
                record(figures, "1 client", Latencies.ofNanos(one), 50, null);
                Signups.awaitSparePoolFull(database);
                List<Long> ten = Clients.repeat(CLIENTS, perClient, () -> signups.signUpAndWait(context.slug("conc")));
                record(figures, CLIENTS + " clients", Latencies.ofNanos(ten), 150, 300.0);

                Latencies floorOne = Latencies.ofNanos(floor(context, demo, database, 1, sequential));
                figures.floor(ID, "1 client p50, DDL + Kafka round trip", "ms", floorOne.percentile(50));
                figures.floor(ID, "1 client p99, DDL + Kafka round trip", "ms", floorOne.percentile(99));
                Latencies floorTen = Latencies.ofNanos(floor(context, demo, database, CLIENTS, perClient));
                figures.floor(ID, CLIENTS + " clients p50, DDL + Kafka round trip", "ms", floorTen.percentile(50));
                figures.floor(ID, CLIENTS + " clients p99, DDL + Kafka round trip", "ms", floorTen.percentile(99));
                try (Connection c = database.getConnection()) {
                    DemoSchema.dropFloorSchemas(c);
                }
            }
        }
    }

    private static void record(Figures figures, String who, Latencies latencies, double p50Target, Double p99Target) {
        figures.system(ID, who + " p50", "ms", Target.atMost(p50Target), latencies.percentile(50));
        figures.system(ID, who + " p95", "ms", null, latencies.percentile(95));
        figures.system(
                ID, who + " p99", "ms", p99Target == null ? null : Target.atMost(p99Target), latencies.percentile(99));
    }

    /** Each client: its own connection and Kafka round trip, {@code each} times DDL then round trip. */
    private static List<Long> floor(BenchContext context, DemoSchema demo, DataSource database, int clients, int each)
            throws Exception {
        return Clients.run(clients, client -> {
            List<Long> nanos = new ArrayList<>();
            try (Connection connection = database.getConnection();
                    KafkaRoundTrip kafka =
                            new KafkaRoundTrip(context.system().kafkaBootstrap(), "bench-round-trip-" + client)) {
                for (int i = 0; i < each; i++) {
                    String schema = "bench_floor_" + context.slug("s");
                    long start = System.nanoTime();
                    demo.create(connection, schema);
                    kafka.once();
                    nanos.add(System.nanoTime() - start);
                }
            }
            return nanos;
        });
    }
}
