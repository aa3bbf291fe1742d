package dev.tenantry.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * New tenants asked for over REST by concurrent clients, as many at once as there are clients.
 * The burst goes out in waves a scenario releases ({@link #release}), so that the faults it
 * injects between waves land while signups are still coming in and being provisioned.
 */
final class TenantBurst implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A dependency outage of a scenario lasts up to a minute; the service must answer again soon after. */
    private static final Duration RETRY_PATIENCE = Duration.ofMinutes(3);

    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private final List<String> slugs;
    private final List<Boolean> doomed;
    private final String provisioningUrl;
    private final String token;
    private final DoomedSchema doomedSchemas;
    private final ExecutorService clients;
    private final ExecutorService connections;
    private final HttpClient http;
    private final Semaphore released = new Semaphore(0);
    private final AtomicInteger next = new AtomicInteger();
    private final List<Future<List<Signup>>> running = new ArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();

    /**
     * @param doomed for each slug, whether its first migration is made to fail
     */
    TenantBurst(
            List<String> slugs,
            List<Boolean> doomed,
            String provisioningUrl,
            String token,
            DoomedSchema doomedSchemas,
            int clientCount) {
        this.slugs = List.copyOf(slugs);
        this.doomed = List.copyOf(doomed);
        this.provisioningUrl = provisioningUrl;
        this.token = token;
        this.doomedSchemas = doomedSchemas;
        this.clients = Executors.newFixedThreadPool(clientCount, named("signup-client-"));
        // The HTTP client's own threads: apart from the clients, which block in send() and would
        // leave none to complete their exchanges; and nothing of the burst on a shared pool.
        this.connections = Executors.newCachedThreadPool(named("signup-http-"));
        this.http = HttpClient.newBuilder()
                .executor(connections)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        for (int i = 0; i < clientCount; i++) {
            running.add(clients.submit(this::client));
        }
    }

    /** Lets that many more signups go out. */
    void release(int count) {
        released.release(count);
    }

    int size() {
        return slugs.size();
    }

    /**
     * No more waves: every signup not released yet goes out now. Waits until every signup was
     * answered; the first client failure is thrown.
     */
    List<Signup> awaitAnswered(Duration patience) throws Exception {
        // One permit more per client, so that each one, finding nothing left, ends.
        released.release(slugs.size() + running.size());
        List<Signup> all = new ArrayList<>();
        for (Future<List<Signup>> client : running) {
            all.addAll(client.get(patience.toSeconds(), TimeUnit.SECONDS));
        }
        return all;
    }

    private List<Signup> client() throws Exception {
        List<Signup> answered = new ArrayList<>();
        while (true) {
            released.acquire();
            int index = next.getAndIncrement();
            if (index >= slugs.size()) {
                return answered;
            }
            answered.add(signUp(slugs.get(index), doomed.get(index)));
        }
    }

    /**
     * One signup as a careful client makes it: while the service answers 503 (a dependency away)
     * or cannot be reached, it asks again with the same Idempotency-Key, so that a request that
     * did go through is not made twice. Anything else but 202 is an error of the run.
     */
    private Signup signUp(String slug, boolean doomedTenant) throws Exception {
        if (doomedTenant) {
            doomedSchemas.prepare(slug);
        }
        String body = JSON.writeValueAsString(Map.of("slug", slug, "displayName", "Crash " + slug));
        HttpRequest request = HttpRequest.newBuilder(URI.create(provisioningUrl + "/tenants"))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        Instant giveUp = Instant.now().plus(RETRY_PATIENCE);
        while (true) {
            String failure;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    return new Signup(
                            slug,
                            doomedTenant,
                            JSON.readTree(response.body()).get("id").asText());
                }
                failure = "answered " + response.statusCode() + ": " + response.body();
                if (response.statusCode() != 503) {
                    throw new IllegalStateException("signup " + slug + " " + failure);
                }
            } catch (IOException unreachable) {
                failure = "could not be sent: " + unreachable;
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException(
                        "signup " + slug + " still failing after " + RETRY_PATIENCE + ": " + failure);
            }
            unavailable.incrementAndGet();
            Thread.sleep(RETRY_PAUSE.toMillis());
        }
    }

    /** How many answers were 503 or no answer at all (each followed by a retry). */
    int unavailableAnswers() {
        return unavailable.get();
    }

    @Override
    public void close() {
        // After a failure: clients still waiting for a wave are interrupted.
        clients.shutdownNow();
        connections.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
