package dev.tenantry.localstack;

import dev.tenantry.tenantctl.client.DevTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the local stack keeps its things, under one home folder ({@code .tenantry} by default). */
record StackFiles(Path home) {

    /** Everything that survives a restart: PostgreSQL and Kafka data, the demo endpoint's secret. */
    Path data() {
        return home.resolve("data");
    }

    Path postgresData() {
        return data().resolve("postgres");
    }

    Path kafkaData() {
        return data().resolve("kafka");
    }

    /** Unpacked PostgreSQL binaries: kept by --fresh, they take seconds to unpack. */
    Path postgresBinaries() {
        return home.resolve("postgres-binaries");
    }

    Path logs() {
        return home.resolve("logs");
    }

    Path pidFile() {
        return home.resolve("stack.pid");
    }

    /** Written once everything is ready: URLs, database, Kafka, pid (JSON). */
    Path stateFile() {
        return home.resolve("stack.json");
    }

    /** The running stack's control-channel token (owner-only), new at each start. */
    Path controlTokenFile() {
        return home.resolve("control-token");
    }

    /** A development bearer token for tenantctl and curl. */
    Path tokenFile() {
        return home.resolve("token");
    }

    /**
     * The stack's own token-signing key pair, generated on the first run: the services verify
     * tokens with its public half (never with the development key, whose private half is public).
     */
    Path jwtPrivateKey() {
        return home.resolve(DevTokens.STACK_PRIVATE_KEY);
    }

    Path jwtPublicKey() {
        return home.resolve(DevTokens.STACK_PUBLIC_KEY);
    }

    /**
     * The dispatcher's key for endpoint secrets at rest, generated on the first run and kept with
     * the database whose secrets it encrypts (wiping the data wipes both).
     */
    Path webhookSecretKeyFile() {
        return data().resolve("webhook-secret-key");
    }

    Path receiverSecretFile() {
        return data().resolve("demo-receiver-secret");
    }

    Optional<Long> runningPid() {
        try {
            if (!Files.exists(pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(
                    Files.readString(pidFile(), StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(StackFiles::isStack)
                    .map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isStack(ProcessHandle handle) {
        return handle.info()
                .commandLine()
                .map(c -> c.contains("local-stack") || c.contains("LocalStack"))
                .orElse(true);
    }
}
