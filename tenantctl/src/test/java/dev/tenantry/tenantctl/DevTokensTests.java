package dev.tenantry.tenantctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.tenantctl.client.DevTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevTokensTests {

    /** The public half the services trust by default. */
    private static final Path SERVICES_PUBLIC_KEY =
            Path.of("..", "service-support", "src", "main", "resources", "tenantry-dev-keys", "public.pem");

    private static final Path DEV_KEY =
            Path.of("..", "test-infrastructure", "src", "main", "resources", "tenantry-dev-keys", "private.pem");

    @Test
    void aTokenIsSignedWithTheKeyTheServicesTrustAndCarriesTheRoles() throws Exception {
        CliRun run = CliRun.run(
                Map.of("TENANTRY_DEV_KEY", DEV_KEY.toString()), "token", "--role", "operator,viewer", "--ttl", "10m");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        String[] parts = run.out().strip().split("\\.");
        assertThat(parts).hasSize(3);

        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(publicKey(SERVICES_PUBLIC_KEY));
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

        JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(claims.get("iss").asText()).isEqualTo("https://tenantry.dev");
        assertThat(claims.get("groups")).extracting(JsonNode::asText).containsExactly("operator", "viewer");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(600);
    }

    @Test
    void theRepositoryKeyIsFoundFromTheWorkingDirectoryWithoutConfiguration() {
        CliRun run = CliRun.run(Map.of(), "token");
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void theLocalStacksOwnKeyIsPreferredToTheDevelopmentKey(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("stack-home");
        DevTokens.generateKeyPair(home.resolve(DevTokens.STACK_PRIVATE_KEY), home.resolve(DevTokens.STACK_PUBLIC_KEY));
        assertThat(Files.getPosixFilePermissions(home.resolve(DevTokens.STACK_PRIVATE_KEY)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        CliRun run = CliRun.run(Map.of("TENANTRY_HOME", home.toString()), "token");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        String[] parts = run.out().strip().split("\\.");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(publicKey(home.resolve(DevTokens.STACK_PUBLIC_KEY)));
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2])))
                .as("signed with the stack's key")
                .isTrue();

        assertThat(DevTokens.findSigningKey(dir, Optional.empty(), Optional.of(home)))
                .contains(home.resolve(DevTokens.STACK_PRIVATE_KEY));
        Path checkout = Files.createDirectories(dir.resolve("checkout").resolve("sub"));
        DevTokens.generateKeyPair(
                dir.resolve("checkout").resolve(DevTokens.DEFAULT_STACK_HOME).resolve(DevTokens.STACK_PRIVATE_KEY),
                dir.resolve("checkout").resolve(DevTokens.DEFAULT_STACK_HOME).resolve(DevTokens.STACK_PUBLIC_KEY));
        assertThat(DevTokens.findSigningKey(checkout, Optional.empty(), Optional.empty()))
                .get()
                .asString()
                .endsWith(Path.of(".tenantry", "jwt", "private.pem").toString());
    }

    @Test
    void aMissingOrUnusableKeyIsAUsageError(@TempDir Path dir) throws Exception {
        CliRun missing = CliRun.run(
                Map.of(), "token", "--dev-key", dir.resolve("nope.pem").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read");

        Path notAKey = Files.writeString(dir.resolve("bad.pem"), "hello");
        CliRun bad = CliRun.run(Map.of(), "token", "--dev-key", notAKey.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("not a PKCS#8 PEM private key");
    }

    private static PublicKey publicKey(Path pem) throws Exception {
        String base64 =
                Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
