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
        return "webhook deliveries/s with every attempt persisted, and event → delivery latency at " + EVENTS_PER_SECOND
                + " events/s, beside raw java.net.http and Vert.x clients";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        int events = context.size(2500, 500);
        int seconds = context.size(15, 5);
        WebhookEndpoints api =
                new WebhookEndpoints(context.client(), context.system().dispatcherUrl());
        try (LoopbackReceiver receiver = new LoopbackReceiver();
                LifecycleEvents lifecycle = new LifecycleEvents(context.system().kafkaBootstrap());
                DeliveryLedger ledger = new DeliveryLedger(context.system().dataSource());
                DemoEndpointPause demo =
                        DemoEndpointPause.pause(api, context.system().receiverUrl())) {
            DeliveryThroughput throughput = new DeliveryThroughput(context, api, receiver, lifecycle, ledger);
            DeliveryLatency latency = new DeliveryLatency(context, api, receiver, lifecycle, ledger);
            Figures figures = context.figures();
            figures.note(
                    ID,
                    String.format(
                            "Throughput: %,d events × %d endpoints = %,d deliveries, from the first "
                                    + "event produced to the last successful attempt persisted (Kafka intake, queueing, signing, "
                                    + "sending, writing each attempt). The raw clients post the same number of the dispatcher's own "
                                    + "signed bodies with %d in flight (its default of %d per endpoint), without queue, database or "
                                    + "signing.",
                            events,
                            ENDPOINTS,
                            events * ENDPOINTS,
                            DeliveryThroughput.inFlight(ENDPOINTS),
                            DeliveryThroughput.PER_ENDPOINT_IN_FLIGHT));
            figures.note(
                    ID,
                    String.format(
                            "Latency: %d events/s for %d s (%,d events) to one endpoint, event "
                                    + "produced → request received; the raw java.net.http client posts the same bodies at the same "
                                    + "rate, sent → received.",
                            EVENTS_PER_SECOND, seconds, EVENTS_PER_SECOND * seconds));
            figures.note(
                    ID,
                    "Each phase starts once the dispatcher has nothing in flight or due. The stack's demo "
                            + "receiver endpoint (" + demo.count()
                            + " found) is disabled during the scenario, so it gets "
                            + "none of these events.");
            throughput.warmUp(context.size(3000, 500));
            for (int repetition = 1; repetition <= context.repeats(); repetition++) {
                throughput.measure(repetition, events, ENDPOINTS);
                latency.measure(repetition, EVENTS_PER_SECOND, seconds);
            }
        }
    }
}
