package dev.tenantry.dispatcher.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts endpoint secrets at rest with AES-256-GCM. The endpoint id and secret version are
 * authenticated with each ciphertext, so a ciphertext copied onto another endpoint's row does not
 * decrypt. Stored form: 12-byte nonce, then ciphertext and 16-byte tag.
 */
public final class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Key base64 of exactly 32 bytes */
    public SecretCipher(String base64Key) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key == null ? "" : base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tenantry.dispatcher.secret-encryption-key is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException(
                    "tenantry.dispatcher.secret-encryption-key must be 32 bytes (base64), got " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
    }

    public byte[] encrypt(UUID endpointId, int version, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(endpointId, version));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a webhook secret", e);
        }
    }

    /** @throws IllegalStateException when the ciphertext was not made with this key for this endpoint and version */
    public String decrypt(UUID endpointId, int version, byte[] stored) {
        if (stored == null || stored.length <= NONCE_BYTES) {
            throw new IllegalStateException("stored webhook secret of endpoint " + endpointId + " is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(endpointId, version));
            byte[] plain = cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // Wrong key (configuration changed) or tampered row; never include the ciphertext.
            throw new IllegalStateException(
                    "cannot decrypt webhook secret v" + version + " of endpoint " + endpointId
                            + ": wrong tenantry.dispatcher.secret-encryption-key or altered row",
                    e);
        }
    }

    private static byte[] associatedData(UUID endpointId, int version) {
        return ("webhook-secret:" + endpointId + ":" + version).getBytes(StandardCharsets.UTF_8);
    }
}
