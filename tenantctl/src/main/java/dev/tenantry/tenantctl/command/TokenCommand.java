package dev.tenantry.tenantctl.command;

import dev.tenantry.tenantctl.client.DevTokens;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints a development bearer token signed with the repository's development key. */
@Command(
        name = "token",
        description = {
            "Print a development bearer token (RS256, roles in the groups claim).",
            "Signed with the development key the services trust by default; never use it outside development."
        })
public class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            split = ",",
            description = "Roles (repeatable or comma-separated; default: operator, tenant-admin, viewer)")
    List<String> roles;

    @Option(names = "--ttl", defaultValue = "8h", description = "Lifetime (default ${DEFAULT-VALUE})")
    Duration ttl;

    @Option(names = "--subject", defaultValue = "tenantry-dev")
    String subject;

    @Option(names = "--issuer", description = "Default: TENANTRY_JWT_ISSUER or " + DevTokens.DEFAULT_ISSUER)
    String issuer;

    @Option(
            names = "--dev-key",
            paramLabel = "PEM",
            description = "PKCS#8 private key (env TENANTRY_DEV_KEY; default: "
                    + "the local stack's .tenantry/jwt/private.pem, else the development key "
                    + "test-infrastructure/src/main/resources/tenantry-dev-keys/private.pem of this checkout)")
    Path devKey;

    @Override
    public Integer call() {
        Cli cli = Cli.of(spec);
        Path key = keyPath(cli)
                .orElseThrow(() -> cli.usage("No development key found: pass --dev-key or set "
                        + "TENANTRY_DEV_KEY (the repository has one at " + DevTokens.KEY_IN_REPOSITORY + ")"));
        PrivateKey privateKey;
        try {
            privateKey = DevTokens.readKey(key);
        } catch (IllegalArgumentException e) {
            throw cli.usage(e.getMessage());
        }
        String iss = issuer != null
                ? issuer
                : cli.environment().getOrDefault("TENANTRY_JWT_ISSUER", DevTokens.DEFAULT_ISSUER);
        List<String> granted = roles == null || roles.isEmpty() ? List.of("operator", "tenant-admin", "viewer") : roles;
        String jwt = new DevTokens(cli.mapper()).sign(privateKey, iss, subject, granted, ttl, Instant.now());
        if (cli.json()) {
            cli.printJson(java.util.Map.of(
                    "token",
                    jwt,
                    "roles",
                    granted,
                    "expiresAt",
                    Instant.now().plus(ttl).toString()));
        } else {
            cli.out().println(jwt);
        }
        return Cli.OK;
    }

    private Optional<Path> keyPath(Cli cli) {
        if (devKey != null) {
            return Optional.of(devKey);
        }
        String fromEnv = cli.environment().get("TENANTRY_DEV_KEY");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv));
        }
        return DevTokens.findSigningKey(Path.of("").toAbsolutePath(), codeLocation(), stackHome(cli));
    }

    /** The home folder of the local stack tenantctl is pointed at (TENANTRY_STACK_FILE or TENANTRY_HOME). */
    private static Optional<Path> stackHome(Cli cli) {
        String stackFile = cli.environment().get("TENANTRY_STACK_FILE");
        if (stackFile != null && !stackFile.isBlank()) {
            return Optional.ofNullable(Path.of(stackFile).toAbsolutePath().getParent());
        }
        return Optional.ofNullable(cli.environment().get("TENANTRY_HOME"))
                .filter(h -> !h.isBlank())
                .map(Path::of);
    }

    private static Optional<Path> codeLocation() {
        try {
            return Optional.of(Path.of(TokenCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
