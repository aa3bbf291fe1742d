package dev.tenantry.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine); this reads it and checks what would
 * break it: a service module missing, an environment variable no service reads (a typo is
 * silently ignored at run time), hosts that are not compose services, PostgreSQL without logical
 * decoding, Kafka not in KRaft mode, Prometheus not scraping a service.
 */
class ComposeFileTests {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode compose;
    private static List<Path> serviceModules;

    @BeforeAll
    static void read() throws IOException {
        compose = YAML.readTree(REPO.resolve("docker-compose.yml").toFile());
        serviceModules = serviceModules();
    }

    /** Modules that are Quarkus services: they have an application.properties naming the application. */
    static List<Path> serviceModules() throws IOException {
        List<Path> modules = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(REPO)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path properties = dir.resolve("src/main/resources/application.properties");
                if (Files.exists(properties) && Files.readString(properties).contains("quarkus.application.name")) {
                    modules.add(dir);
                }
            }
        }
        return modules;
    }

    @Test
    void everyServiceModuleIsAComposeServiceBuiltFromItsDockerfile() {
        assertThat(serviceModules)
                .extracting(p -> p.getFileName().toString())
                .contains("provisioning-service", "migration-worker", "webhook-dispatcher");
        for (Path module : serviceModules) {
            String name = module.getFileName().toString();
            JsonNode service = compose.path("services").path(name);
            assertThat(service.isObject()).as("compose service " + name).isTrue();
            assertThat(service.path("build").path("context").asText()).isEqualTo("./" + name);
            String dockerfile = service.path("build").path("dockerfile").asText();
            assertThat(dockerfile).isEqualTo("src/main/docker/Dockerfile.jvm");
            assertThat(module.resolve(dockerfile)).exists();
            assertThat(service.path("ports").toString()).contains(":" + httpPort(module) + "\"");
        }
    }

    @Test
    void everyEnvironmentVariableOfAServiceIsAConfigurationKeyThatServiceReads() throws IOException {
        for (Path module : serviceModules) {
            String name = module.getFileName().toString();
            ServiceConfigKeys config = ServiceConfigKeys.of(module, REPO.resolve("service-support"));
            Map<String, String> env = environment(compose.path("services").path(name));
            assertThat(env)
                    .as(name + " environment")
                    .containsKeys(
                            "TENANTRY_DB_URL", "TENANTRY_DB_USER", "TENANTRY_DB_PASSWORD", "TENANTRY_KAFKA_BOOTSTRAP");
            for (String variable : env.keySet()) {
                assertThat(config.resolve(variable))
                        .as("%s: %s maps to no configuration key it reads (known: %s)", name, variable, config.keys())
                        .isPresent();
            }
        }
    }

    @Test
    void theKeyCheckRecognisesMappingsAndRefusesTypos() throws IOException {
        ServiceConfigKeys worker =
                ServiceConfigKeys.of(REPO.resolve("migration-worker"), REPO.resolve("service-support"));
        assertThat(worker.resolve("TENANTRY_WORKER_TENANT_MIGRATIONS_LOCATIONS"))
                .contains("tenantry.worker.tenant-migrations.locations");
        assertThat(worker.resolve("TENANTRY_WORKER_DRIFT_FLEET_PARALLELISM"))
                .contains("tenantry.worker.drift.fleet-parallelism");
        assertThat(worker.resolve("TENANTRY_DEAD_LETTERS_MAX_REPLAYS")).contains("tenantry.dead-letters.max-replays");
        assertThat(worker.resolve("QUARKUS_DATASOURCE_JDBC_MAX_SIZE")).contains("quarkus.datasource.jdbc.max-size");
        assertThat(worker.resolve("TENANTRY_DB_URL")).isPresent();
        assertThat(worker.resolve("TENANTRY_WORKER_CONCURENCY")).isEmpty();
        assertThat(worker.resolve("TENANTRY_WEBHOOK_ALLOW_HTTP"))
                .as("a dispatcher setting")
                .isEmpty();

        ServiceConfigKeys dispatcher =
                ServiceConfigKeys.of(REPO.resolve("webhook-dispatcher"), REPO.resolve("service-support"));
        assertThat(dispatcher.resolve("TENANTRY_DISPATCHER_AUTO_DISABLE_CHECK_INTERVAL"))
                .contains("tenantry.dispatcher.auto-disable.check-interval");
        assertThat(dispatcher.resolve("TENANTRY_WEBHOOK_ALLOW_HTTP")).isPresent();
    }

    @Test
    void everyServiceVerifiesTokensWithTheKeyPairGeneratedForThisDeployment() {
        JsonNode keys = compose.path("services").path("jwt-keys");
        assertThat(keys.isObject()).as("the one-shot key generator").isTrue();
        String script = keys.path("command").toString();
        assertThat(script)
                .contains("openssl genpkey")
                .contains("/keys/private.pem")
                .contains("/keys/public.pem");
        assertThat(keys.path("volumes").get(0).asText()).isEqualTo("jwt-keys:/keys");
        assertThat(compose.path("volumes").has("jwt-keys"))
                .as("a named volume: the pair survives restarts")
                .isTrue();
        for (Path module : serviceModules) {
            String name = module.getFileName().toString();
            JsonNode service = compose.path("services").path(name);
            String publicKey = environment(service).get("TENANTRY_JWT_PUBLIC_KEY");
            assertThat(publicKey)
                    .as(name + " TENANTRY_JWT_PUBLIC_KEY")
                    .isNotBlank()
                    .doesNotContain("tenantry-dev-keys");
            List<String> mounts = new ArrayList<>();
            service.path("volumes").forEach(v -> mounts.add(v.asText()));
            assertThat(mounts).as(name + " mounts the generated key").anySatisfy(mount -> {
                String[] parts = mount.split(":");
                assertThat(parts[0]).isEqualTo("jwt-keys");
                assertThat(publicKey).isEqualTo(parts[1] + "/public.pem");
            });
            assertThat(service.path("depends_on")
                            .path("jwt-keys")
                            .path("condition")
                            .asText())
                    .isEqualTo("service_completed_successfully");
        }
    }

    @Test
    void theDispatcherIsGivenTheDeploymentsOwnSecretKeyOrComposeRefusesToStart() {
        String key =
                environment(compose.path("services").path("webhook-dispatcher")).get("TENANTRY_WEBHOOK_SECRET_KEY");
        // ${VAR:?message}: compose stops with the message when the variable is unset or empty.
        assertThat(key)
                .startsWith("${TENANTRY_WEBHOOK_SECRET_KEY:?")
                .doesNotContain("61X4XxWi9l82V3xoH9sAX6SkX0d2BJJTFjrf6U6CjHY=");
    }

    @Test
    void servicesReachPostgresAndKafkaByComposeServiceNames() {
        for (Path module : serviceModules) {
            Map<String, String> env = environment(
                    compose.path("services").path(module.getFileName().toString()));
            String db = env.get("TENANTRY_DB_URL").replaceFirst("^jdbc:postgresql://", "");
            assertThat(compose.path("services").has(db.substring(0, db.indexOf(':'))))
                    .as(db)
                    .isTrue();
            for (String server : env.get("TENANTRY_KAFKA_BOOTSTRAP").split(",")) {
                assertThat(compose.path("services").has(server.substring(0, server.indexOf(':'))))
                        .as(server)
                        .isTrue();
            }
        }
    }

    @Test
    void postgresHasLogicalDecodingAndKafkaRunsInKraftMode() {
        JsonNode postgres = compose.path("services").path("postgres");
        assertThat(postgres.path("image").asText()).startsWith("postgres:17");
        assertThat(postgres.path("command").toString()).contains("wal_level=logical");
        JsonNode kafka = compose.path("services").path("kafka");
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
        Map<String, String> env = environment(kafka);
        assertThat(env.get("KAFKA_PROCESS_ROLES")).contains("controller").contains("broker");
        assertThat(env).containsKey("KAFKA_CONTROLLER_QUORUM_VOTERS").doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
    }

    @Test
    void prometheusScrapesEveryServiceAndGrafanaIsProvisioned() throws IOException {
        JsonNode prometheus = YAML.readTree(REPO.resolve("ops/prometheus.yml").toFile());
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        prometheus
                .path("scrape_configs")
                .forEach(job -> jobs.put(job.path("job_name").asText(), job));
        for (Path module : serviceModules) {
            String name = module.getFileName().toString();
            JsonNode job = jobs.get(name);
            assertThat(job).as("scrape job " + name).isNotNull();
            assertThat(job.path("metrics_path").asText()).isEqualTo("/q/metrics");
            assertThat(job.path("static_configs").get(0).path("targets").get(0).asText())
                    .isEqualTo(name + ":" + httpPort(module));
        }
        JsonNode grafana = compose.path("services").path("grafana");
        assertThat(grafana.path("volumes").toString())
                .contains("./ops/grafana/provisioning")
                .contains("./ops/grafana/dashboards");
        for (JsonNode volume : grafana.path("volumes")) {
            assertThat(REPO.resolve(volume.asText().split(":")[0])).exists();
        }
        assertThat(compose.path("services").path("prometheus").path("volumes").toString())
                .contains("./ops/prometheus.yml");
    }

    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode environment = service.path("environment");
        if (environment.isObject()) {
            environment
                    .properties()
                    .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        } else if (environment.isArray()) {
            environment.forEach(item -> {
                String[] pair = item.asText().split("=", 2);
                env.put(pair[0], pair.length > 1 ? pair[1] : "");
            });
        }
        return env;
    }

    static int httpPort(Path module) {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(module.resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Integer.parseInt(
                properties.getProperty("quarkus.http.port", "8080").trim());
    }
}
