package dev.tenantry.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.client.ApiClient;
import dev.tenantry.tenantctl.client.DevTokens;
import dev.tenantry.tenantctl.client.Service;
import dev.tenantry.testinfra.EmbeddedKafkaServer;
import dev.tenantry.testinfra.EmbeddedPostgresServer;
import dev.tenantry.testinfra.ServiceJvm;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Starts everything, waits until it is ready, prints how to use it, and runs until stopped. */
@Command(
        name = "up",
        description = "Start PostgreSQL, Kafka, the three services and a webhook receiver; "
                + "Ctrl-C (or `down`) stops everything")
class StackUp implements Callable<Integer> {

    private static final PrintStream OUT = System.out;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    LocalStack parent;

    @Option(names = "--fresh", description = "Delete the data folder first (PostgreSQL, Kafka, receiver secret)")
    boolean fresh;

    @Option(
            names = "--repo",
            defaultValue = ".",
            paramLabel = "DIR",
            description = "Repository root with the built service jars")
    Path repo;

    @Option(names = "--postgres-port", defaultValue = "15432")
    int postgresPort;

    @Option(names = "--kafka-port", defaultValue = "19092")
    int kafkaPort;

    @Option(names = "--receiver-port", defaultValue = "18080", description = "Demo webhook receiver; 0 for none")
    int receiverPort;

    @Option(names = "--provisioning-port", defaultValue = "8081")
    int provisioningPort;

    @Option(names = "--worker-port", defaultValue = "8082")
    int workerPort;

    @Option(names = "--dispatcher-port", defaultValue = "8083")
    int dispatcherPort;

    // Off by default: a development stack trades durability on power loss for speed. Figures that
    // claim persistence (the benchmarks) turn it on.
    @Option(names = "--postgres-fsync", description = "Start the embedded PostgreSQL with fsync=on (default: off)")
    boolean postgresFsync;

    @Option(
            names = "--ready-timeout",
            defaultValue = "180s",
            description = "How long each service may take to be ready")
    Duration readyTimeout;

    @Option(
            names = "--service-java-opts",
            defaultValue = "-Xms16m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            description = "JVM options of each service (default: ${DEFAULT-VALUE})")
    String serviceJavaOptions;

    @Option(
            names = "--control-port",
            defaultValue = "0",
            description =
                    "Loopback port of the control channel used by status, stop and restart (default: any free one)")
    int controlPort;

    private final List<ServiceComponent> services = new ArrayList<>();
    // Owned threads for starting and stopping in parallel (never the common pool).
    private final ExecutorService parallel = Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r, "tenantry-stack");
        t.setDaemon(true);
        return t;
    });
    private PostgresComponent postgres;
    private KafkaComponent kafka;
    private Supervisor supervisor;
    private ControlServer control;
    private DemoWebhookReceiver receiver;
    private StackFiles files;
    private volatile boolean stopped;

    @Override
    public Integer call() throws Exception {
        files = parent.files();
        Optional<Long> running = files.runningPid();
        if (running.isPresent()) {
            OUT.println("A local stack is already running (pid " + running.get() + "); stop it with ./tenantry down");
            return 1;
        }
        Path root = repo.toAbsolutePath().normalize();
        Map<String, String> env = System.getenv();
        boolean externalDb = notBlank(env.get("TENANTRY_DB_URL"));
        boolean externalKafka = notBlank(env.get("TENANTRY_KAFKA_BOOTSTRAP"));
        List<Integer> ports = new ArrayList<>(List.of(provisioningPort, workerPort, dispatcherPort));
        if (!externalDb) {
            ports.add(postgresPort);
        }
        if (!externalKafka) {
            ports.add(kafkaPort);
            ports.add(kafkaPort + 1);
        }
        if (receiverPort != 0) {
            ports.add(receiverPort);
        }
        for (int port : ports) {
            if (!isFree(port)) {
                OUT.println("Port " + port + " is in use on 127.0.0.1: stop what uses it, or choose other ports (see "
                        + "./tenantry up --help)");
                return 1;
            }
        }
        if (fresh) {
            deleteTree(files.data());
            deleteTree(files.logs());
            OUT.println("Fresh start: deleted " + files.data());
        }
        Files.createDirectories(files.logs());
        Files.writeString(files.pidFile(), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "tenantry-stack-stop"));

        Instant begin = Instant.now();
        try {
            String jdbcUrl;
            String dbUser;
            String dbPassword;
            Future<?> postgresStarted = CompletableFuture.completedFuture(null);
            if (externalDb) {
                jdbcUrl = env.get("TENANTRY_DB_URL");
                dbUser = env.getOrDefault("TENANTRY_DB_USER", "tenantry");
                dbPassword = env.getOrDefault("TENANTRY_DB_PASSWORD", "tenantry");
                OUT.println("PostgreSQL: using " + jdbcUrl + " (TENANTRY_DB_URL)");
            } else {
                EmbeddedPostgresServer server = EmbeddedPostgresServer.builder()
                        .dataDirectory(files.postgresData())
                        .binariesDirectory(files.postgresBinaries())
                        .logFile(files.logs().resolve("postgres.log"))
                        .port(postgresPort)
                        .cleanDataDirectory(false)
                        .serverSetting("fsync", postgresFsync ? "on" : "off")
                        .build();
                jdbcUrl = server.jdbcUrl("tenantry");
                dbUser = server.username();
                dbPassword = "local";
                postgres = new PostgresComponent(server, "tenantry");
                postgresStarted = parallel.submit(() -> {
                    postgres.start();
                    return null;
                });
            }
            String bootstrap;
            Future<?> kafkaStarted = CompletableFuture.completedFuture(null);
            if (externalKafka) {
                bootstrap = env.get("TENANTRY_KAFKA_BOOTSTRAP");
                OUT.println("Kafka: using " + bootstrap + " (TENANTRY_KAFKA_BOOTSTRAP)");
            } else {
                // Data kept across restarts: a started-again broker reuses the cluster id and node id
                // recorded in its data folder.
                EmbeddedKafkaServer server = EmbeddedKafkaServer.builder()
                        .dataDirectory(files.kafkaData())
                        .logFile(files.logs().resolve("kafka.log"))
                        .port(kafkaPort)
                        .controllerPort(kafkaPort + 1)
                        .cleanDataDirectory(false)
                        .startupTimeout(Duration.ofSeconds(90))
                        .build();
                bootstrap = server.bootstrapServers();
                kafka = new KafkaComponent(server);
                kafkaStarted = parallel.submit(() -> {
                    kafka.start();
                    return null;
                });
            }
            postgresStarted.get();
            if (postgres != null) {
                OUT.printf("PostgreSQL 17 on %s (data %s)%n", jdbcUrl, files.postgresData());
            }
            kafkaStarted.get();
            if (kafka != null) {
                OUT.printf("Kafka on %s (data %s)%n", bootstrap, files.kafkaData());
            }
            if (receiverPort != 0) {
                receiver = DemoWebhookReceiver.start(receiverPort, files.logs().resolve("receiver.jsonl"), OUT);
            }

            Map<String, String> common = new LinkedHashMap<>();
            common.put("TENANTRY_DB_URL", jdbcUrl);
            common.put("TENANTRY_DB_USER", dbUser);
            common.put("TENANTRY_DB_PASSWORD", dbPassword);
            common.put("TENANTRY_KAFKA_BOOTSTRAP", bootstrap);
            common.put("TENANTRY_JWT_PUBLIC_KEY", signingKey().toString());
            Map<String, String> dispatcherEnv = new LinkedHashMap<>(common);
            // The demo receiver is plain http on loopback: allowed here, refused by default.
            dispatcherEnv.put("TENANTRY_WEBHOOK_ALLOW_HTTP", "true");
            dispatcherEnv.put("TENANTRY_WEBHOOK_ALLOWED_CIDRS", "127.0.0.0/8");
            dispatcherEnv.put("TENANTRY_WEBHOOK_SECRET_KEY", webhookSecretKey());
            Map<String, String> workerEnv = new LinkedHashMap<>(common);
            // A laptop needs a few ready-made tenant schemas, not a production burst's worth (the
            // worker's default is 128, about 57 MB for the demo schema); the environment can say otherwise.
            workerEnv.put(
                    "TENANTRY_WORKER_SPARE_POOL_SIZE",
                    System.getenv().getOrDefault("TENANTRY_WORKER_SPARE_POOL_SIZE", "8"));
            List<String> javaOptions = List.of(serviceJavaOptions.trim().split("\\s+"));
            start(root, "migration-worker", workerPort, workerEnv, javaOptions);
            start(root, "provisioning-service", provisioningPort, common, javaOptions);
            start(root, "webhook-dispatcher", dispatcherPort, dispatcherEnv, javaOptions);
            OUT.println("Starting the services (logs in " + files.logs() + ") ...");
            for (ServiceComponent service : services) {
                service.awaitReady(readyTimeout);
                OUT.printf("  %-21s ready at %s%n", service.name(), service.url());
            }

            String token = token();
            Files.writeString(files.tokenFile(), token + "\n", StandardCharsets.UTF_8);
            restrict(files.tokenFile());
            if (receiver != null) {
                registerDemoEndpoint(token);
            }
            superviseAndOpenControl();
            writeState(jdbcUrl, dbUser, bootstrap);
            printBanner(Duration.between(begin, Instant.now()), jdbcUrl, bootstrap, token);
        } catch (Exception e) {
            OUT.println();
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            OUT.println("The local stack did not start: " + cause.getMessage());
            stopAll();
            return 1;
        }
        return watch();
    }

    private void start(Path root, String name, int port, Map<String, String> env, List<String> javaOptions)
            throws IOException {
        Path jar = root.resolve(name).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
        Map<String, String> environment = new LinkedHashMap<>(env);
        // One instance of each service, restarted by the supervisor under the same name: static
        // group membership gives a crashed service's partitions back to its restart at once.
        environment.putIfAbsent("TENANTRY_MESSAGING_CONSUMERS_INSTANCE_ID", "local-" + name);
        ServiceComponent service = new ServiceComponent(
                name,
                port,
                () -> ServiceJvm.start(
                        name,
                        jar,
                        port,
                        environment,
                        Map.of(),
                        javaOptions,
                        files.logs().resolve(name + ".log")));
        service.start();
        services.add(service);
    }

    /**
     * From here on a crashed component is restarted rather than taking the stack down; the control
     * channel lets ./tenantry status, stop and restart reach the supervisor.
     */
    private void superviseAndOpenControl() throws IOException {
        List<Component> supervised = new ArrayList<>();
        if (postgres != null) {
            supervised.add(postgres);
        }
        if (kafka != null) {
            supervised.add(kafka);
        }
        supervised.addAll(services);
        supervisor = new Supervisor(supervised, RestartBackoff::standard, Clock.systemUTC(), OUT);
        supervisor.begin();
        String controlToken = randomToken();
        Path tokenFile = files.controlTokenFile();
        Path partial = tokenFile.resolveSibling(tokenFile.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        // Created owner-only before the token is written into it.
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, controlToken, StandardCharsets.US_ASCII);
        Files.move(partial, tokenFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        control = ControlServer.start(controlPort, supervisor, controlToken, JSON);
    }

    /** Runs until stopped; the supervisor restarts what crashes meanwhile. */
    private int watch() throws InterruptedException {
        while (!stopped) {
            Thread.sleep(1000);
        }
        return 0;
    }

    private synchronized void stopAll() {
        if (stopped) {
            return;
        }
        stopped = true;
        OUT.println("Stopping the local stack ...");
        // No restarts from here on, and no more operations through the control channel.
        if (control != null) {
            control.close();
        }
        if (supervisor != null) {
            supervisor.close();
        }
        // Services first, together: they still reach PostgreSQL and Kafka while shutting down.
        List<Future<?>> stopping =
                services.stream().map(s -> parallel.submit(s::stop)).collect(Collectors.toList());
        for (Future<?> f : stopping) {
            try {
                f.get();
            } catch (InterruptedException | ExecutionException e) {
                // Each service's own stop ends with SIGKILL at worst; go on with the rest.
            }
        }
        if (receiver != null) {
            receiver.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
        parallel.shutdownNow();
        try {
            Files.deleteIfExists(files.stateFile());
            Files.deleteIfExists(files.controlTokenFile());
            Files.deleteIfExists(files.pidFile());
        } catch (IOException e) {
            // Nothing left to do about it.
        }
        OUT.println("Local stack stopped.");
    }

    /** The stack's public key, after generating the pair on the first run (or when half of it is missing). */
    private Path signingKey() {
        if (!Files.isRegularFile(files.jwtPrivateKey()) || !Files.isRegularFile(files.jwtPublicKey())) {
            DevTokens.generateKeyPair(files.jwtPrivateKey(), files.jwtPublicKey());
            OUT.println("Generated this stack's token-signing key pair in "
                    + files.jwtPrivateKey().getParent());
        }
        return files.jwtPublicKey().toAbsolutePath();
    }

    /**
     * The key the dispatcher encrypts endpoint secrets with: the environment's, or this stack's own,
     * generated on the first run (the dispatcher refuses the published development key).
     */
    private String webhookSecretKey() throws IOException {
        String given = System.getenv("TENANTRY_WEBHOOK_SECRET_KEY");
        if (given != null && !given.isBlank()) {
            return given.strip();
        }
        Path file = files.webhookSecretKeyFile();
        if (!Files.isRegularFile(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
            restrict(partial);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            OUT.println("Generated this stack's webhook secret encryption key in " + file);
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    private String token() {
        return new DevTokens(JSON)
                .sign(
                        DevTokens.readKey(files.jwtPrivateKey()),
                        DevTokens.DEFAULT_ISSUER,
                        "local-stack",
                        List.of("operator", "tenant-admin", "viewer"),
                        Duration.ofDays(7),
                        Instant.now());
    }

    /**
     * Registers the receiver as a webhook endpoint once, and keeps its secret in the data folder
     * so the receiver can check signatures across restarts. A lost secret is rotated.
     */
    private void registerDemoEndpoint(String token) throws IOException {
        ApiClient dispatcher = new ApiClient(
                Service.DISPATCHER,
                "http://127.0.0.1:" + dispatcherPort,
                token,
                Duration.ofSeconds(30),
                HttpClient.newHttpClient(),
                JSON);
        JsonNode existing = null;
        String cursor = null;
        do {
            JsonNode page = dispatcher.get("/webhook-endpoints?limit=500"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            for (JsonNode endpoint : page.path("items")) {
                if (receiver.url().equals(endpoint.path("url").asText())) {
                    existing = endpoint;
                }
            }
            cursor = page.path("nextCursor").isTextual()
                    ? page.path("nextCursor").asText()
                    : null;
        } while (cursor != null);
        String secret;
        Path secretFile = files.receiverSecretFile();
        if (existing == null) {
            JsonNode created = dispatcher.post(
                    "/webhook-endpoints", Map.of("url", receiver.url(), "description", "local-stack demo receiver"));
            secret = created.path("secret").asText();
            OUT.println("Registered the demo receiver " + receiver.url() + " as webhook endpoint "
                    + created.path("id").asText());
        } else if (Files.exists(secretFile)) {
            secret = Files.readString(secretFile, StandardCharsets.UTF_8).trim();
            if (!existing.path("enabled").asBoolean(true)) {
                dispatcher.send(
                        "PUT",
                        "/webhook-endpoints/" + existing.path("id").asText(),
                        Map.of("url", receiver.url(), "description", "local-stack demo receiver", "enabled", true),
                        Map.of());
            }
        } else {
            secret = dispatcher
                    .post("/webhook-endpoints/" + existing.path("id").asText() + "/rotate-secret", null)
                    .path("secret")
                    .asText();
        }
        Files.createDirectories(secretFile.getParent());
        Files.writeString(secretFile, secret + "\n", StandardCharsets.UTF_8);
        restrict(secretFile);
        receiver.secret(secret);
    }

    private void writeState(String jdbcUrl, String dbUser, String bootstrap) throws IOException {
        ObjectNode state = JSON.createObjectNode();
        state.put("pid", ProcessHandle.current().pid());
        state.put("startedAt", Instant.now().toString());
        ObjectNode urls = state.putObject("urls");
        urls.put("provisioning", "http://127.0.0.1:" + provisioningPort);
        urls.put("worker", "http://127.0.0.1:" + workerPort);
        urls.put("dispatcher", "http://127.0.0.1:" + dispatcherPort);
        if (receiver != null) {
            urls.put("receiver", receiver.url());
        }
        state.put("jdbcUrl", jdbcUrl);
        state.put("dbUser", dbUser);
        state.put("kafkaBootstrap", bootstrap);
        state.put("tokenFile", files.tokenFile().toString());
        state.put("logs", files.logs().toString());
        // Pids change as the supervisor restarts components: ./tenantry status asks for them.
        state.put("controlPort", control.port());
        Files.writeString(files.stateFile(), JSON.writeValueAsString(state), StandardCharsets.UTF_8);
    }

    private void printBanner(Duration took, String jdbcUrl, String bootstrap, String token) {
        String slug = "demo_" + randomSuffix();
        OUT.println();
        OUT.println("Tenantry is up (" + took.toSeconds() + " s).");
        OUT.printf("  provisioning-service  http://127.0.0.1:%d   (API docs: /q/swagger-ui)%n", provisioningPort);
        OUT.printf("  migration-worker      http://127.0.0.1:%d%n", workerPort);
        OUT.printf("  webhook-dispatcher    http://127.0.0.1:%d%n", dispatcherPort);
        if (receiver != null) {
            OUT.printf("  demo webhook receiver %s   (events are printed here)%n", receiver.url());
        }
        OUT.printf(
                "  PostgreSQL            %s   (psql -h 127.0.0.1 -p %d -U postgres tenantry)%n", jdbcUrl, postgresPort);
        OUT.printf("  Kafka                 %s%n", bootstrap);
        OUT.printf("  metrics               http://127.0.0.1:%d/q/metrics (each service)%n", provisioningPort);
        OUT.println();
        OUT.println("Token signed with this stack's own key (operator, tenant-admin, viewer; 7 days), also in "
                + files.tokenFile() + ":");
        OUT.println("  " + token);
        OUT.println();
        OUT.println("Provision a demo tenant and see its webhooks delivered (paste in another terminal):");
        OUT.println("  ./tenantry ctl tenants create " + slug + " --display-name 'Demo Ltd' --wait && sleep 1 && "
                + "./tenantry ctl webhooks deliveries --limit 5");
        OUT.println("Or with curl:");
        OUT.println(
                "  curl -s -X POST http://127.0.0.1:" + provisioningPort + "/tenants -H \"Authorization: Bearer $(cat "
                        + files.tokenFile() + ")\" -H 'Content-Type: application/json' -d '{\"slug\":\"" + slug
                        + "\",\"displayName\":\"Demo Ltd\"}'");
        OUT.println();
        OUT.println("Ctrl-C or ./tenantry down stops everything; data stays in " + files.data()
                + " (./tenantry up --fresh starts empty).");
        OUT.flush();
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: the file keeps the default permissions.
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
