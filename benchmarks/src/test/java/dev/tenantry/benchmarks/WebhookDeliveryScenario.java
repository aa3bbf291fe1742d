package dev.tenantry.benchmarks;

/**
 * Scenario 5: the webhook dispatcher of the running system delivering lifecycle events to
 * receivers on loopback, every attempt persisted. Events are produced straight to
 * {@code tenant-lifecycle} for made-up tenants (fresh ones per repetition, so repetitions don't
 * see each other's deliveries), endpoints are registered through the dispatcher's API, and the
 * receiver is a Vert.x server in this JVM.
 */
final class WebhookDeliveryScenario implements Scenario {

    static final String ID = "webhooks";
    private static final int ENDPOINTS = 4;
    private static final int EVENTS_PER_SECOND = 200;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "webhook deliveries/s with every attempt persisted, and event → delivery latency at "
                + EVENTS_PER_SECOND + " events/s, beside raw java.net.http and Vert.x clients";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        int events = context.size(2500, 250);
        int seconds = context.size(15, 5);
        WebhookEndpoints api = new WebhookEndpoints(context.client(), context.system().dispatcherUrl());
        try (LoopbackReceiver receiver = new LoopbackReceiver();
             LifecycleEvents lifecycle = new LifecycleEvents(context.system().kafkaBootstrap());
             DeliveryLedger ledger = new DeliveryLedger(context.system().dataSource());
             DemoEndpointPause demo = DemoEndpointPause.pause(api, context.system().receiverUrl())) {
            DeliveryThroughput throughput = new DeliveryThroughput(context, api, receiver, lifecycle, ledger);
            DeliveryLatency latency = new DeliveryLatency(context, api, receiver, lifecycle, ledger);
            throughput.warmUp(context.size(3000, 500));
            for (int repetition = 1; repetition <= context.repeats(); repetition++) {
                throughput.measure(repetition, events, ENDPOINTS);
                latency.measure(repetition, EVENTS_PER_SECOND, seconds);
            }
            Figures figures = context.figures();
            figures.note(ID, "Throughput runs from the first event produced to the last successful attempt "
                    + "persisted (Kafka intake, queueing, signing, sending, writing each attempt); the raw clients "
                    + "post the dispatcher's own signed bodies with " + DeliveryThroughput.inFlight(ENDPOINTS)
                    + " in flight (its default of " + DeliveryThroughput.PER_ENDPOINT_IN_FLIGHT
                    + " per endpoint), without queue, database or signing.");
            figures.note(ID, "Each phase starts once the dispatcher has nothing queued; the stack's demo receiver "
                    + "endpoint (" + demo.count() + ") is disabled during the scenario, so it gets none of these events.");
        }
    }
}
