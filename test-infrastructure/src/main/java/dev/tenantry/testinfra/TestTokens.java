package dev.tenantry.testinfra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Bearer tokens for tests and local use, signed (RS256) with the development key whose public
 * half the services trust by default. Roles go into the {@code groups} claim, as the services
 * expect. Never use this key outside development.
 */
public final class TestTokens {

    public static final String ISSUER = "https://tenantry.dev";
    private static final String KEY_RESOURCE = "tenantry-dev-keys/private.pem";
    private static volatile PrivateKey key;

    private TestTokens() {}

    /** {@code "Bearer <jwt>"} valid for one hour, carrying the given roles. */
    public static String bearer(String... roles) {
        return "Bearer " + token(Duration.ofHours(1), roles);
    }

    /** A signed JWT valid for {@code lifetime}, carrying the given roles. */
    public static String token(Duration lifetime, String... roles) {
        try {
            return token(privateKey(), lifetime, roles);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the development key", e);
        }
    }

    /** {@code "Bearer <jwt>"} signed with {@code signingKey} instead of the development key. */
    public static String bearer(PrivateKey signingKey, String... roles) {
        return "Bearer " + token(signingKey, Duration.ofHours(1), roles);
    }

    /**
     * A new RSA key pair whose public half is written as PEM to {@code publicPem}: what a
     * deployment's own issuer would have, for starting a service outside the dev and test profiles.
     */
    public static KeyPair freshKeyPair(Path publicPem) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pair.getPublic().getEncoded());
            Files.writeString(
                    publicPem,
                    "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n",
                    StandardCharsets.US_ASCII);
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a key pair", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String token(PrivateKey signingKey, Duration lifetime, String... roles) {
        Instant now = Instant.now();
        String groups = Stream.of(roles).map(r -> '"' + r + '"').collect(Collectors.joining(",", "[", "]"));
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"tenantry-dev\",\"upn\":\"tenantry-dev\","
                + "\"groups\":" + groups + ",\"iat\":" + now.getEpochSecond() + ",\"exp\":"
                + now.plus(lifetime).getEpochSecond() + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(signingKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a development token", e);
        }
    }

    private static PrivateKey privateKey() throws GeneralSecurityException {
        if (key == null) {
            try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream(KEY_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(KEY_RESOURCE + " is not on the classpath");
                }
                String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                        .replaceAll("-----[A-Z ]+-----", "")
                        .replaceAll("\\s", "");
                key = KeyFactory.getInstance("RSA")
                        .generatePrivate(
                                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return key;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
