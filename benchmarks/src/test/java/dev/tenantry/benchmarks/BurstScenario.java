package dev.tenantry.benchmarks;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Scenario 2: a burst of new tenants, larger than the worker's spare pool, sent by ten clients
 * as fast as the service answers (none waits for its tenant before the next signup), until every
 * one is ACTIVE. Tenants per second from the first POST to the last activation, and each tenant's
 * POST → TenantActivated latency. The floor: the same number of demo schemas created by raw JDBC
 * from ten connections at once.
 */
final class BurstScenario implements Scenario {

    static final String ID = "burst";
    private static final int CLIENTS = 10;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "burst of new tenants from " + CLIENTS + " clients to ACTIVE; floor: the same schemas by raw JDBC, "
                + CLIENTS + " connections";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        int tenants = context.size(1000, 100);
        DataSource database = context.system().dataSource();
        DemoSchema demo = DemoSchema.current(context);
        Figures figures = context.figures();
        String size = String.format("%,d", tenants);
        long postgresPid = ComponentMeters.pid(context.system(), "postgres");
        try (ActivationWatch watch = ActivationWatch.start(context.system().kafkaBootstrap())) {
            Signups signups = new Signups(context, watch);
            for (int r = 0; r < context.repeats(); r++) {
                figures.info(ID, "spare pool at the start", "schemas", Signups.awaitSparePoolFull(database));
                Map<String, Long> cpuBefore = ComponentMeters.cpuMillis(context.system());
                Map<String, Long> postgresBefore = PostgresCpu.byClient(database, postgresPid);
                long first = System.nanoTime();
                List<Sent> sent = send(context, signups, tenants);
                long last = first;
                List<Long> latencies = new ArrayList<>();
                for (Sent s : sent) {
                    long activated = signups.awaitActivated(s.tenantId());
                    latencies.add(activated - s.startNanos());
                    last = Math.max(last, activated);
                }
                double seconds = (last - first) / 1e9;
                double rate = tenants / seconds;
                figures.system(ID, size + " tenants, throughput", "tenants/s", null, rate);
                Latencies latency = Latencies.ofNanos(latencies);
                figures.system(ID, "POST → ACTIVE p50", "ms", null, latency.percentile(50));
                figures.system(ID, "POST → ACTIVE p99", "ms", null, latency.percentile(99));
                SignupHops.medians(database, sent.stream().map(Sent::tenantId).toList())
                        .forEach((hop, ms) -> figures.info(ID, "hop p50, " + hop, "ms", ms));
                double cpu = cpuPerSignup(
                        figures, "CPU per signup, ", cpuBefore, ComponentMeters.cpuMillis(context.system()), tenants);
                figures.info(ID, "CPU per signup, every component", "ms", cpu);
                figures.info(ID, "CPU-bound ceiling (cores / CPU per signup)", "tenants/s", CORES * 1000 / cpu);
                cpuPerSignup(
                        figures,
                        "CPU per signup, postgres for ",
                        postgresBefore,
                        PostgresCpu.byClient(database, postgresPid),
                        tenants);

                // The worker refills its spare pool once the burst is over: not during the floor.
                Signups.awaitSparePoolFull(database);
                long floorCpuBefore = ProcessMeter.cpuMillis(postgresPid, true);
                double floorRate = floor(context, demo, database, tenants);
                figures.floor(ID, size + " demo schemas by raw JDBC", "tenants/s", floorRate);
                double floorCpu = (double) (ProcessMeter.cpuMillis(postgresPid, true) - floorCpuBefore) / tenants;
                figures.info(ID, "CPU per schema, floor (postgres)", "ms", floorCpu);
                figures.info(
                        ID, "floor's CPU-bound ceiling (cores / CPU per schema)", "tenants/s", CORES * 1000 / floorCpu);
                figures.ratio(ID, "throughput / floor", Target.atLeast(0.7), rate / floorRate);
            }
            ComponentMeters.serviceRssMiB(context.system())
                    .forEach((service, mib) -> figures.info(ID, "RSS after the bursts, " + service, "MiB", mib));
        }
    }

    private record Sent(String tenantId, long startNanos) {}

    /**
     * Records the CPU per signup of each part and returns their sum. With the rate the machine
     * could reach if CPU were the only limit, beside the floor's own, it says how much of the gap
     * is work the floor does not do.
     */
    private static double cpuPerSignup(
            Figures figures, String prefix, Map<String, Long> before, Map<String, Long> after, int tenants) {
        double total = 0;
        for (Map.Entry<String, Long> part : after.entrySet()) {
            double perSignup = (double) (part.getValue() - before.getOrDefault(part.getKey(), 0L)) / tenants;
            figures.info(ID, prefix + part.getKey(), "ms", perSignup);
            total += perSignup;
        }
        return total;
    }

    /** Ten clients, each sending the next signup as soon as the previous one is answered. */
    private static List<Sent> send(BenchContext context, Signups signups, int tenants) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        Clients.run(CLIENTS, client -> {
            while (next.getAndIncrement() < tenants) {
                long start = System.nanoTime();
                sent.add(new Sent(signups.request(context.slug("burst")), start));
            }
            return List.of();
        });
        return new ArrayList<>(sent);
    }

    /** Tenants per second of the floor: {@code tenants} demo schemas over ten connections. */
    private static double floor(BenchContext context, DemoSchema demo, DataSource database, int tenants)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        Clients.run(CLIENTS, client -> {
            try (Connection connection = database.getConnection()) {
                while (next.getAndIncrement() < tenants) {
                    demo.create(connection, "bench_floor_" + context.slug("b"));
                }
            }
            return List.of();
        });
        double rate = tenants / ((System.nanoTime() - start) / 1e9);
        try (Connection connection = database.getConnection()) {
            DemoSchema.dropFloorSchemas(connection);
        }
        return rate;
    }
}
