package dev.tenantry.dispatcher.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code webhook-signature} is {@code v1,} + base64 of
 * HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"), where the key is the base64 part of
 * a {@code whsec_} secret. With several secrets (rotation window) the signatures are
 * space-separated and a receiver accepts the request if any matches.
 */
public final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    // Looking up the provider costs more than signing a small body; a Mac is reusable after doFinal.
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });

    private WebhookSigner() {}

    /** A fresh random secret, {@code whsec_} + base64 of 32 bytes. */
    public static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The key bytes of a {@code whsec_} secret. */
    public static byte[] keyBytes(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
        }
        return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    }

    /** One {@code v1,<base64>} signature. */
    public static String sign(byte[] key, String messageId, long timestamp, byte[] body) {
        try {
            Mac mac = MACS.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The {@code webhook-signature} header value for every given key. */
    public static String signatureHeader(List<byte[]> keys, String messageId, long timestamp, byte[] body) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no signing key");
        }
        return keys.stream().map(key -> sign(key, messageId, timestamp, body)).collect(Collectors.joining(" "));
    }
}
