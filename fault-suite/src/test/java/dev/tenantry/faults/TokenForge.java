package dev.tenantry.faults;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
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
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bearer tokens for access tests: valid ones signed with the stack's own key (the key its services
 * trust), and forgeries that a service must refuse although they carry every role. Roles go into
 * the {@code groups} claim, the issuer into {@code iss}, as the services' JWT configuration expects.
 */
final class TokenForge {

    static final String OPERATOR = "operator";
    static final String TENANT_ADMIN = "tenant-admin";
    static final String VIEWER = "viewer";
    static final List<String> ROLES = List.of(OPERATOR, TENANT_ADMIN, VIEWER);
    /** {@code mp.jwt.verify.issuer} of every service, unless TENANTRY_JWT_ISSUER says otherwise (the stack does not). */
    static final String ISSUER = "https://tenantry.dev";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey stackKey;
    private final byte[] stackPublicKeyPem;
    private final PrivateKey developmentKey;
    private final PrivateKey strangerKey;
    private final List<String> validTokens = new ArrayList<>();

    /**
     * @param stackPrivateKey       the stack's signing key (PKCS#8 PEM)
     * @param stackPublicKey        its public half, as the services read it (PEM)
     * @param developmentPrivateKey the repository's development key, whose private half is public
     */
    TokenForge(Path stackPrivateKey, Path stackPublicKey, Path developmentPrivateKey) throws Exception {
        this.stackKey = readPrivateKey(stackPrivateKey);
        this.stackPublicKeyPem = Files.readAllBytes(stackPublicKey);
        this.developmentKey = readPrivateKey(developmentPrivateKey);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.strangerKey = generator.generateKeyPair().getPrivate();
    }

    /** A token the services must accept, as far as its signature, issuer and lifetime go. */
    String valid(List<String> roles) {
        String token = rs256(stackKey, claims(ISSUER, roles, Instant.now(), Duration.ofHours(1)));
        validTokens.add(token);
        return token;
    }

    /** Every token {@link #valid} signed so far: each is a credential, and must never be logged. */
    List<String> validTokens() {
        return List.copyOf(validTokens);
    }

    /**
     * Authorization header values no route may accept, by kind; each token carries every role, so
     * that its forgery is the only reason to refuse it. A null value sends no header at all.
     */
    Map<String, String> forgeries() throws GeneralSecurityException {
        Instant now = Instant.now();
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put("no token", null);
        kinds.put("not a JWT", "Bearer not-a-jwt");
        kinds.put(
                "expired",
                bearer(rs256(stackKey, claims(ISSUER, ROLES, now.minus(Duration.ofHours(2)), Duration.ofHours(1)))));
        kinds.put(
                "signed with another RSA key",
                bearer(rs256(strangerKey, claims(ISSUER, ROLES, now, Duration.ofHours(1)))));
        kinds.put(
                "signed with the published development key",
                bearer(rs256(developmentKey, claims(ISSUER, ROLES, now, Duration.ofHours(1)))));
        kinds.put("alg none", bearer(unsigned(claims(ISSUER, ROLES, now, Duration.ofHours(1)))));
        kinds.put(
                "HS256 keyed with the public key",
                bearer(hs256(stackPublicKeyPem, claims(ISSUER, ROLES, now, Duration.ofHours(1)))));
        kinds.put(
                "wrong issuer",
                bearer(rs256(stackKey, claims("https://issuer.invalid", ROLES, now, Duration.ofHours(1)))));
        kinds.put(
                "claims changed after signing",
                bearer(tampered(valid(List.of(VIEWER)), claims(ISSUER, ROLES, now, Duration.ofHours(1)))));
        return kinds;
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    private static Map<String, Object> claims(String issuer, List<String> roles, Instant issuedAt, Duration lifetime) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", "access-it");
        claims.put("upn", "access-it");
        claims.put("groups", roles);
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", issuedAt.plus(lifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }

    private static String rs256(PrivateKey key, Map<String, Object> claims) {
        String input = segment(Map.of("alg", "RS256", "typ", "JWT")) + "." + segment(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + BASE64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic key-confusion forgery: the RSA public key, as text, used as an HMAC secret. */
    private static String hs256(byte[] secret, Map<String, Object> claims) throws GeneralSecurityException {
        String input = segment(Map.of("alg", "HS256", "typ", "JWT")) + "." + segment(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + BASE64URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String unsigned(Map<String, Object> claims) {
        return segment(Map.of("alg", "none", "typ", "JWT")) + "." + segment(claims) + ".";
    }

    /** A genuine token's header and signature around other claims. */
    private static String tampered(String genuine, Map<String, Object> claims) {
        String[] parts = genuine.split("\\.");
        return parts[0] + "." + segment(claims) + "." + parts[2];
    }

    private static String segment(Map<String, ?> json) {
        try {
            return BASE64URL.encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        String base64 = Files.readString(pem, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
