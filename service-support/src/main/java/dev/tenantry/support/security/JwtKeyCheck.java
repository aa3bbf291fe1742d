package dev.tenantry.support.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Refuses to start a service outside the dev and test profiles unless bearer tokens are verified
 * with a key of the deployment's own. The development key is bundled with every service and its
 * private half is committed to the repository, so trusting it (by forgetting
 * {@code TENANTRY_JWT_PUBLIC_KEY}, or by pointing it at a copy) would let anyone sign an operator
 * token. Runs before anything else observes start-up (shared-schema migration, consumers), logs one
 * line saying what to do, and aborts start-up (the process exits non-zero).
 */
@ApplicationScoped
public class JwtKeyCheck {

    /** Where services look for the verification key unless told otherwise; bundled with service-support. */
    public static final String DEVELOPMENT_KEY = "tenantry-dev-keys/public.pem";

    static final String KEY_PROPERTY = "mp.jwt.verify.publickey";
    static final String LOCATION_PROPERTY = "mp.jwt.verify.publickey.location";
    private static final Logger LOG = Logger.getLogger(JwtKeyCheck.class);

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start) {
        if (DevelopmentMode.trustsPublishedKeys()) {
            return;
        }
        Config config = ConfigProvider.getConfig();
        Optional<String> refusal = refusal(
                config.getOptionalValue(KEY_PROPERTY, String.class),
                config.getOptionalValue(LOCATION_PROPERTY, String.class));
        if (refusal.isPresent()) {
            LOG.error(refusal.get());
            throw new JwtKeyRefused();
        }
    }

    /**
     * Why the configured verification key may not be used outside development, or empty when it
     * may.
     *
     * @param inlineKey the key itself ({@code mp.jwt.verify.publickey}), when given that way
     * @param location  where the key is ({@code mp.jwt.verify.publickey.location}: a file, a class-path
     *                  resource or an https URL of a key set)
     */
    static Optional<String> refusal(Optional<String> inlineKey, Optional<String> location) {
        String advice = " Set TENANTRY_JWT_PUBLIC_KEY to the PEM public key of your token issuer (for a trial, "
                + "generate a pair: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out private.pem && "
                + "openssl pkey -in private.pem -pubout -out public.pem). The development key is trusted only in "
                + "the dev and test profiles.";
        Optional<String> inline = inlineKey.filter(k -> !k.isBlank());
        Optional<String> where = location.map(String::strip).filter(l -> !l.isEmpty());
        if (inline.isEmpty() && where.isEmpty()) {
            return Optional.of("Not starting: no JWT verification key is configured." + advice);
        }
        if (inline.isEmpty() && isBundledDevelopmentKey(where.get())) {
            return Optional.of("Not starting: no JWT verification key is configured (TENANTRY_JWT_PUBLIC_KEY is not "
                    + "set), and the bundled development key is public: anyone could sign an operator token." + advice);
        }
        String text;
        if (inline.isPresent()) {
            text = inline.get();
        } else if (where.get().startsWith("https:") || where.get().startsWith("http:")) {
            // A key set served by the issuer: not something this repository publishes.
            return Optional.empty();
        } else {
            Optional<String> read = read(where.get());
            if (read.isEmpty()) {
                return Optional.of(
                        "Not starting: the JWT verification key " + where.get() + " cannot be read." + advice);
            }
            text = read.get();
        }
        if (isDevelopmentKey(text)) {
            return Optional.of("Not starting: the configured JWT verification key (" + where.orElse(KEY_PROPERTY)
                    + ") is the development key, whose private half is public in the Tenantry repository: anyone "
                    + "could sign an operator token." + advice);
        }
        return Optional.empty();
    }

    private static boolean isBundledDevelopmentKey(String location) {
        String path = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        return path.replaceFirst("^/", "").equals(DEVELOPMENT_KEY);
    }

    /** The key text at a file path ({@code file:} optional) or class-path resource ({@code classpath:} optional). */
    private static Optional<String> read(String location) {
        try {
            if (location.startsWith("classpath:")) {
                return resource(location.substring("classpath:".length()));
            }
            Path file = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
            if (Files.isRegularFile(file)) {
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
            }
            return location.startsWith("file:") ? Optional.empty() : resource(location);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> resource(String name) throws IOException {
        try (InputStream in = JwtKeyCheck.class.getClassLoader().getResourceAsStream(name.replaceFirst("^/", ""))) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Whether {@code keyText} carries the development key's modulus, in any form smallrye-jwt reads:
     * a PEM public key or certificate, bare base64, or a JWK / JWK set.
     */
    static boolean isDevelopmentKey(String keyText) {
        BigInteger development = developmentModulus();
        if (keyText.contains("\"n\"")) {
            String n = Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned(development));
            return keyText.replaceAll("\\s", "").contains("\"n\":\"" + n + "\"");
        }
        return modulus(keyText).map(development::equals).orElse(false);
    }

    private static Optional<BigInteger> modulus(String keyText) {
        try {
            PublicKey key;
            if (keyText.contains("BEGIN CERTIFICATE")) {
                key = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(keyText.getBytes(StandardCharsets.US_ASCII)))
                        .getPublicKey();
            } else {
                String base64 = keyText.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                key = KeyFactory.getInstance("RSA")
                        .generatePublic(
                                new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            }
            return key instanceof RSAPublicKey rsa ? Optional.of(rsa.getModulus()) : Optional.empty();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static BigInteger developmentModulus() {
        try {
            return resource(DEVELOPMENT_KEY)
                    .flatMap(JwtKeyCheck::modulus)
                    .orElseThrow(() -> new IllegalStateException(DEVELOPMENT_KEY + " is missing from service-support"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    /** Start-up aborted: the service would trust a key anyone can sign with, or none. */
    public static class JwtKeyRefused extends RuntimeException {
        JwtKeyRefused() {
            // The reason is in the log line above; the start-up failure Quarkus reports need not repeat it.
            super("JWT verification key refused");
        }
    }
}
