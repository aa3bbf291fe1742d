package dev.tenantry.tenantctl.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Development bearer tokens: RS256 JWTs signed with the repository's development key, whose
 * public half the services trust unless TENANTRY_JWT_PUBLIC_KEY names another. Roles go into the
 * {@code groups} claim. Only for local stacks and tests: the private key is public.
 */
public final class DevTokens {

    /** Where the development key lives inside a checkout of the repository. */
    public static final Path KEY_IN_REPOSITORY =
            Path.of("test-infrastructure", "src", "main", "resources", "tenantry-dev-keys", "private.pem");
    public static final String DEFAULT_ISSUER = "https://tenantry.dev";

    private final ObjectWriter json;

    public DevTokens(ObjectMapper mapper) {
        // Compact JSON: a token travels in a header.
        this.json = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    public String sign(PrivateKey key, String issuer, String subject, List<String> roles, Duration lifetime,
                       Instant now) {
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
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + pem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use " + pem + " as an RSA private key: " + e.getMessage(), e);
        }
    }

    /**
     * The development key of the checkout tenantctl runs in: looked for above the working
     * directory and above tenantctl's own jar.
     */
    public static Optional<Path> findRepositoryKey(Path workingDirectory, Optional<Path> codeLocation) {
        List<Path> starts = new ArrayList<>();
        starts.add(workingDirectory.toAbsolutePath());
        codeLocation.map(Path::toAbsolutePath).ifPresent(starts::add);
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(KEY_IN_REPOSITORY);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
