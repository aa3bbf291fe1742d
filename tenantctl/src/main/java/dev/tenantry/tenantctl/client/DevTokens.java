package dev.tenantry.tenantctl.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Development bearer tokens: RS256 JWTs signed with the local stack's own key, or with the
 * repository's development key, whose public half the services trust only in the dev and test
 * profiles (its private half is public). Roles go into the {@code groups} claim.
 */
public final class DevTokens {

    /** Where the development key lives inside a checkout of the repository. */
    public static final Path KEY_IN_REPOSITORY =
            Path.of("test-infrastructure", "src", "main", "resources", "tenantry-dev-keys", "private.pem");

    public static final String DEFAULT_ISSUER = "https://tenantry.dev";
    /** The key pair the local stack generates on its first run, relative to the stack's home folder. */
    public static final Path STACK_PRIVATE_KEY = Path.of("jwt", "private.pem");

    public static final Path STACK_PUBLIC_KEY = Path.of("jwt", "public.pem");
    /** The local stack's default home, inside the checkout. */
    public static final Path DEFAULT_STACK_HOME = Path.of(".tenantry");

    private final ObjectWriter json;

    public DevTokens(ObjectMapper mapper) {
        // Compact JSON: a token travels in a header.
        this.json = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    public String sign(
            PrivateKey key, String issuer, String subject, List<String> roles, Duration lifetime, Instant now) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("upn", subject);
        claims.put("groups", roles);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        try {
            String signingInput = base64Url(json.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT"))) + "."
                    + base64Url(json.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(rsa.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a development token: " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}). */
    public static PrivateKey readKey(Path pem) {
        try {
            String text = Files.readString(pem, StandardCharsets.US_ASCII);
            if (!text.contains("BEGIN PRIVATE KEY")) {
                throw new IllegalArgumentException(pem + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
            }
            String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + pem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use " + pem + " as an RSA private key: " + e.getMessage(), e);
        }
    }

    /**
     * The key to sign with when none is named: the local stack's own key (in {@code stackHome}, or
     * in {@code .tenantry/} above the working directory or tenantctl's jar), which the services of
     * {@code ./tenantry up} trust; otherwise the repository's development key, which services trust
     * only in the dev and test profiles.
     */
    public static Optional<Path> findSigningKey(
            Path workingDirectory, Optional<Path> codeLocation, Optional<Path> stackHome) {
        Optional<Path> stackKey =
                stackHome.map(home -> home.resolve(STACK_PRIVATE_KEY)).filter(Files::isRegularFile);
        if (stackKey.isPresent()) {
            return stackKey;
        }
        return findAbove(DEFAULT_STACK_HOME.resolve(STACK_PRIVATE_KEY), workingDirectory, codeLocation)
                .or(() -> findAbove(KEY_IN_REPOSITORY, workingDirectory, codeLocation));
    }

    private static Optional<Path> findAbove(Path relative, Path workingDirectory, Optional<Path> codeLocation) {
        List<Path> starts = new ArrayList<>();
        starts.add(workingDirectory.toAbsolutePath());
        codeLocation.map(Path::toAbsolutePath).ifPresent(starts::add);
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(relative);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Generates an RSA key pair: the private half as PKCS#8 PEM readable by its owner only, the
     * public half as PEM for TENANTRY_JWT_PUBLIC_KEY.
     */
    public static void generateKeyPair(Path privatePem, Path publicPem) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.createDirectories(privatePem.toAbsolutePath().getParent());
            Files.createDirectories(publicPem.toAbsolutePath().getParent());
            Path partial = privatePem.resolveSibling(privatePem.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            Files.createFile(partial);
            ownerOnly(partial);
            Files.writeString(partial, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
            // The private half last: a half-written pair is generated again on the next run.
            Files.move(partial, privatePem, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a key pair: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a key pair next to " + privatePem + ": " + e.getMessage(), e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its own defaults apply.
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
