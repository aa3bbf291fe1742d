package dev.tenantry.worker;

import dev.tenantry.support.messaging.IncomingEvents;
import dev.tenantry.support.messaging.RetryPolicy;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Test-only consumer of the migration requests in a group of its own: remembers the event ids it handled. */
@ApplicationScoped
public class ReplayBystander {

    static final String GROUP = "worker-replay-bystander";
    static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private final IncomingEvents incoming;

    public ReplayBystander(IncomingEvents incoming) {
        this.incoming = incoming;
    }

    @Incoming("replay-bystander")
    @Blocking(ordered = false) // one partition at a time: throttled.ordered=partition
    public CompletionStage<Void> consume(Message<byte[]> request) {
        return incoming.consume(
                request,
                GROUP,
                new RetryPolicy(1, Duration.ZERO, Duration.ZERO),
                (event, record) -> SEEN.add(event.id()));
    }
}
