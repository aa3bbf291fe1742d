package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.repository.SecretRepository.StoredSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns stored secrets into HMAC keys. A secret version never changes once written, so its key
 * is decrypted once and kept; which versions sign is still read from the database on every claim.
 */
@ApplicationScoped
public class SigningKeys {

    private static final int MAX_CACHED = 50_000;

    private record Version(UUID endpointId, int version) {}

    private final SecretCipher cipher;
    private final Map<Version, byte[]> cache = new ConcurrentHashMap<>();

    public SigningKeys(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** Keys per endpoint, in the order given (newest version first). */
    public Map<UUID, List<byte[]>> forEndpoints(List<StoredSecret> secrets) {
        Map<UUID, List<byte[]>> keys = new HashMap<>();
        for (StoredSecret secret : secrets) {
            keys.computeIfAbsent(secret.endpointId(), id -> new ArrayList<>()).add(key(secret));
        }
        return keys;
    }

    /**
     * Keys of these versions of one endpoint's secret (newest first), when every one of them has
     * been decrypted before; empty when one has to be read from the database first.
     */
    public java.util.Optional<List<byte[]>> cached(UUID endpointId, List<Integer> versions) {
        List<byte[]> keys = new ArrayList<>(versions.size());
        for (Integer version : versions) {
            byte[] key = cache.get(new Version(endpointId, version));
            if (key == null) {
                return java.util.Optional.empty();
            }
            keys.add(key);
        }
        return java.util.Optional.of(keys);
    }

    private byte[] key(StoredSecret secret) {
        Version version = new Version(secret.endpointId(), secret.version());
        byte[] key = cache.get(version);
        if (key == null) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            key = WebhookSigner.keyBytes(cipher.decrypt(secret.endpointId(), secret.version(), secret.ciphertext()));
            cache.put(version, key);
        }
        return key;
    }
}
